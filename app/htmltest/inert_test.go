package htmltest

import "testing"

func TestCheckInert(t *testing.T) {
	for _, bad := range []string{
		`<script>window.__kiosquePwned=1</script>`,
		`<img src="https://example.ma/a.jpg" onerror="window.__kiosquePwned=1">`,
		`<a href="javascript:window.__kiosquePwned=1" rel="nofollow noopener">x</a>`,
		`<a href="https://example.ma/">no rel</a>`,
		`<p style="width:expression(1)">x</p>`,
		`<img src="data:image/png;base64,AAAA">`,
		`<img src="/media/../kiosque.db">`,
		`<img src="/web/x.png">`,
		`<a href="/media/0123456789abcdef0123456789abcdef.jpg" rel="nofollow noopener">x</a>`,
		`<svg></svg>`,
		`<div>x</div>`,
		`<!-- hidden -->`,
	} {
		if CheckInert(bad) == nil {
			t.Errorf("CheckInert accepted %s", bad)
		}
	}
	good := `<h2>T</h2><p>a <em>b</em> <a href="https://example.ma/" rel="nofollow noopener" target="_blank">c</a></p><figure><img src="https://example.ma/a.jpg" alt="x" width="10" height="10"/><figcaption>d</figcaption></figure>` +
		`<img src="/media/0123456789abcdef0123456789abcdef.jpg" alt="y"/>`
	if err := CheckInert(good); err != nil {
		t.Errorf("CheckInert refused safe HTML: %v", err)
	}
}
