package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/etag"
)

// A kept image is one file, named by its key, that starts with a short
// header (a magic line, the media type, the entity tag and the length of
// the image: the tag is computed once, when the image is written)
// followed by the image's bytes, so that a request reads only the header,
// and the image is served straight from the file. One file, renamed into
// place: the header and the bytes are never out of step, and a file cut
// short (by a crash before the system wrote it all) shows it.
const magic = "kiosque-media 1\n"

// maxHeader bounds what is read of a file to find its header.
const maxHeader = 256

// keptFile is an open kept image.
type keptFile struct {
	*os.File
	contentType string
	tag         string
	body        *io.SectionReader // the image's bytes within the file
}

// header is the start of a kept file holding an image of this type, tag
// and length.
func header(contentType, tag string, length int) []byte {
	return []byte(magic + contentType + "\n" + tag + "\n" + strconv.Itoa(length) + "\n")
}

// openKept opens the image kept under key. A file without a header (kept
// by an earlier release) is rewritten with one, once. A file that holds
// no image (a write cut short) counts as missing, and is fetched again.
func (h *Handler) openKept(key string) (*keptFile, bool) {
	path := filepath.Join(h.dir, key)
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	kf, err := readHeader(f)
	if errors.Is(err, errNoHeader) {
		f.Close()
		if err := h.addHeader(key); err != nil {
			h.log.Warn("rewrite a kept image with its tag", "key", key, "err", err)
			return nil, false
		}
		if f, err = os.Open(path); err != nil {
			return nil, false
		}
		kf, err = readHeader(f)
	}
	if err != nil {
		f.Close()
		return nil, false
	}
	return kf, true
}

var errNoHeader = errors.New("no header")

// readHeader reads the header of the kept file f, and checks that the
// whole image follows it.
func readHeader(f *os.File) (*keptFile, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	start := make([]byte, min(info.Size(), maxHeader))
	if _, err := io.ReadFull(f, start); err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(start, []byte(magic))
	if !ok {
		return nil, errNoHeader
	}
	lines := strings.SplitN(string(rest), "\n", 4)
	if len(lines) < 4 {
		return nil, fmt.Errorf("%s: a header cut short", f.Name())
	}
	contentType, tag := lines[0], lines[1]
	length, err := strconv.ParseInt(lines[2], 10, 64)
	offset := int64(len(magic) + len(contentType) + len(tag) + len(lines[2]) + 3)
	if err != nil || offset+length != info.Size() || !validType(contentType) {
		return nil, fmt.Errorf("%s: a file cut short, or no kept image", f.Name())
	}
	return &keptFile{File: f, contentType: contentType, tag: tag, body: io.NewSectionReader(f, offset, length)}, nil
}

// addHeader rewrites the file kept under key, a bare image, with its
// header.
func (h *Handler) addHeader(key string) error {
	body, err := os.ReadFile(filepath.Join(h.dir, key))
	if err != nil {
		return err
	}
	contentType := imageType(body)
	if contentType == "" {
		return fmt.Errorf("%s holds no image", key)
	}
	return h.keep(key, contentType, etag.Of(body), body)
}

// keep writes the image to a temporary file renamed into place, so that
// no reader ever sees half of it.
func (h *Handler) keep(key, contentType, tag string, body []byte) error {
	f, err := os.CreateTemp(h.dir, "."+key+".*"+tmpSuffix)
	if err != nil {
		return fmt.Errorf("keep media %s: %w", key, err)
	}
	_, err = f.Write(header(contentType, tag, len(body)))
	if err == nil {
		_, err = f.Write(body)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(h.dir, key))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("keep media %s: %w", key, err)
	}
	return nil
}

// tmpSuffix ends the names of files being written.
const tmpSuffix = ".tmp"
