package events

import "testing"

var sampleEvent = []byte(`{"kind":"click","partner":"presse.example","placement":"colonne","article":"al-omrane-inaugure-son-agence-renovee-a-paris","from":"hammouchi-examine-a-vienne-les-defis-du-terrorisme","position":2,"variant":3,"ranker":"kiosque"}`)

func BenchmarkDecode(b *testing.B) {
	for b.Loop() {
		if _, err := Decode(sampleEvent); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsBot(b *testing.B) {
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
	for b.Loop() {
		if IsBot(ua) {
			b.Fatal("a bot")
		}
	}
}
