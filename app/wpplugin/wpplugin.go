// Package wpplugin is Kiosque's WordPress plugin, kept here as its PHP,
// JavaScript and translations (the kiosque folder), and the zip WordPress
// installs it from, set to the address of the server that serves it.
package wpplugin

import (
	"archive/zip"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"time"
)

//go:embed kiosque
var files embed.FS

// Files is the plugin's folder, kiosque/ and what is in it.
func Files() fs.FS { return files }

// Folder is the plugin's folder in the zip, and in wp-content/plugins.
const Folder = "kiosque"

// Main is the plugin's main file, as WordPress names it among the
// active plugins.
const Main = Folder + "/kiosque.php"

// defaultServer is the line of the main file that names the server the
// plugin starts with; Zip writes the serving server's address there.
const defaultServer = "define( 'KIOSQUE_DEFAULT_SERVER', 'https://widget.example' );"

// Zip is the plugin as WordPress takes it (Plugins › Add New › Upload
// Plugin): the folder kiosque/, set to server, an http or https origin
// ("https://widget.example").
func Zip(server string) ([]byte, error) {
	if err := checkOrigin(server); err != nil {
		return nil, err
	}
	main, err := fs.ReadFile(files, Main)
	if err != nil {
		return nil, fmt.Errorf("wpplugin: %w", err)
	}
	if bytes.Count(main, []byte(defaultServer)) != 1 {
		return nil, fmt.Errorf("wpplugin: %s has no line %q to write the server's address in", Main, defaultServer)
	}
	set := strings.Replace(defaultServer, "'https://widget.example'", phpString(server), 1)
	main = bytes.Replace(main, []byte(defaultServer), []byte(set), 1)

	// The files say they were changed at one time, the same in every
	// zip, so that a server gets the same bytes each time.
	modified := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	err = fs.WalkDir(files, Folder, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		header := &zip.FileHeader{Name: name, Modified: modified, Method: zip.Deflate}
		if d.IsDir() {
			header.Name += "/"
			header.Method = zip.Store
			header.SetMode(fs.ModeDir | 0o755)
			_, err := z.CreateHeader(header)
			return err
		}
		header.SetMode(0o644)
		body := main
		if name != Main {
			if body, err = fs.ReadFile(files, name); err != nil {
				return err
			}
		}
		w, err := z.CreateHeader(header)
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	})
	if err == nil {
		err = z.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("wpplugin: zip the plugin: %w", err)
	}
	return b.Bytes(), nil
}

// checkOrigin accepts an http or https origin: a scheme and a host, with
// no path, query, user or fragment.
func checkOrigin(server string) error {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(server, "'\\\"<> ") {
		return fmt.Errorf("wpplugin: %q is not an http or https origin", server)
	}
	return nil
}

// phpString is s as a single-quoted PHP string.
func phpString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(strings.TrimSuffix(s, "/")) + "'"
}

// PHPFiles are the plugin's PHP files, by their path in the zip.
func PHPFiles() ([]string, error) {
	var names []string
	err := fs.WalkDir(files, Folder, func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(name) == ".php" {
			names = append(names, name)
		}
		return err
	})
	return names, err
}
