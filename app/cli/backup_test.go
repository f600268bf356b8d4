//go:build !wasm

package cli

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store/sqlite"
)

// newSQLiteStore makes an empty store in a new data folder, and returns
// the folder.
func newSQLiteStore(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	st, err := sqlite.Open(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return data
}

// A backup holds all the store does: only its owner may read it. A file
// that another backup left (FILE.partial) is not its to delete, and a
// file already at FILE is not replaced.
func TestABackupIsPrivateAndTouchesNoOtherFile(t *testing.T) {
	data, backups := newSQLiteStore(t), t.TempDir()
	file := filepath.Join(backups, "kiosque.db")
	leftover := file + ".partial"
	if err := os.WriteFile(leftover, []byte("another backup's"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Run(t.Context(), []string{"backup", "-data", data, file}, noEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("the backup's mode is %v, want -rw------- (0600)", mode)
	}
	if b, err := os.ReadFile(leftover); err != nil || string(b) != "another backup's" {
		t.Errorf("%s was deleted or changed: %q, %v", leftover, b, err)
	}
	names, _ := filepath.Glob(filepath.Join(backups, "*"))
	if len(names) != 2 {
		t.Errorf("the folder holds %v, want the backup and the other file only", names)
	}

	before, _ := os.ReadFile(file)
	err = Run(t.Context(), []string{"backup", "-data", data, file}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup onto an existing file: %v, want an error saying it exists", err)
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Error("a backup onto an existing file changed it")
	}
}

// A file made at FILE while the backup copies (after it looked) is not
// replaced either. The backup is held while it copies by a connection
// that keeps the store to itself, and waits for it (its busy timeout is
// 5 s); the file is made once the backup's copy has begun.
func TestABackupNeverReplacesAFileMadeWhileItCopies(t *testing.T) {
	data, backups := newSQLiteStore(t), t.TempDir()
	file := filepath.Join(backups, "kiosque.db")
	holder, err := sql.Open("sqlite", "file:"+filepath.Join(data, sqlite.FileName)+"?_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	hold, err := holder.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec("CREATE TABLE held (x)"); err != nil { // a write: the lock is exclusive
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), []string{"backup", "-data", data, file}, noEnv, io.Discard, io.Discard)
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if copying, _ := filepath.Glob(file + ".*partial"); len(copying) > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the backup ended before it copied: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the backup never began its copy")
		}
	}
	if err := os.WriteFile(file, []byte("someone's"), 0o644); err != nil {
		t.Fatal(err)
	}
	hold.Rollback()
	holder.Close()

	err = <-done
	if err == nil || !strings.Contains(err.Error(), "give a new name") {
		t.Errorf("a backup whose name was taken while it copied: %v, want an error saying so", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "someone's" {
		t.Errorf("the file made meanwhile was replaced (%d bytes)", len(b))
	}
	if left, _ := filepath.Glob(file + ".*partial"); len(left) > 0 {
		t.Errorf("the failed backup left %v", left)
	}
}
