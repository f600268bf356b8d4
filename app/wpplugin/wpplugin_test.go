package wpplugin

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"strings"
	"testing"
)

// The zip holds the plugin's folder, every file of it, with the server's
// address written into the main file, and the same bytes each time.
func TestZipIsThePluginSetToTheServer(t *testing.T) {
	const server = "https://widget.example.org:8443"
	body, err := Zip(server + "/")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Zip(server)
	if !bytes.Equal(body, again) {
		t.Error("two zips for one server differ")
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	inZip := map[string]string{}
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, Folder+"/") {
			t.Errorf("%s is outside the folder %s/", f.Name, Folder)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		inZip[f.Name] = string(b)
	}
	fs.WalkDir(Files(), Folder, func(name string, d fs.DirEntry, err error) error {
		if _, ok := inZip[name]; !d.IsDir() && !ok {
			t.Errorf("%s is not in the zip", name)
		}
		return err
	})
	for _, want := range []string{"kiosque/kiosque.php", "kiosque/uninstall.php", "kiosque/readme.txt", "kiosque/block/block.json",
		"kiosque/block/editor.js", "kiosque/languages/kiosque-fr_FR.mo", "kiosque/languages/kiosque-ar.mo"} {
		if _, ok := inZip[want]; !ok {
			t.Errorf("%s is not in the zip", want)
		}
	}
	if line := "define( 'KIOSQUE_DEFAULT_SERVER', '" + server + "' );"; !strings.Contains(inZip[Main], line) {
		t.Errorf("%s does not say %s", Main, line)
	}
}

// Only an http or https origin goes into the PHP: anything else would be
// a broken plugin, or PHP of a client's making.
func TestZipRefusesWhatIsNotAnOrigin(t *testing.T) {
	for _, server := range []string{"", "widget.example", "ftp://widget.example", "https://widget.example/path", "https://widget.example/?q",
		"https://user@widget.example", "https://widget.example'); phpinfo(); //", `https://widget.example\`, "javascript:alert(1)"} {
		if _, err := Zip(server); err == nil {
			t.Errorf("Zip(%q) made a plugin", server)
		}
	}
}
