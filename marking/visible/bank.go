package visible

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"synthreview/assets"
)

// Detection geometry. The working plane is the image's luma resampled so its
// shorter side is planeShort pixels; templates are precomputed at every
// scale for that plane, so detection cost does not grow with image size
// beyond one pass over the border bands.
const (
	planeShort = 200
	minRatio   = 0.03 // smallest ink height searched, of the shorter side
	maxRatio   = 0.16 // largest
	scaleStep  = 1.08
	canonInk   = 64   // ink height of the canonical rendering of a text template
	anchorSlk  = 0.02 // search ±2 % of the shorter side around each anchor (rounding, small crops)
	cropReach  = 0.10 // crops are searched this far (of the shorter side) from each corner
	maxCropPix = 1 << 20
)

// Thresholds on the normalised cross-correlation score. PlateThreshold was
// chosen between the measured ranges: on unlabelled images (generated
// gradients, noise, stripes, blocks, dark and white fields, the shared
// photos, each also re-encoded at q70 and resized) the best plate score was
// at most 0.53 — reached only by dark plates carrying other white text
// ("HELLO", "2025-11-28 09:15", 风景照片) in a corner — while drawn labels
// scored at least 0.73 after JPEG q70 and 50–75 % resizing (0.80–0.98
// typically). The cheap ring screen in front of it rejects most windows
// before any correlation is computed. CropThreshold is stricter because a
// crop has no plate to screen with. TestDetectNoFalsePositives and
// TestDetectFindsDrawnLabels hold both sides.
const (
	// PlateThreshold is the score a SynthReview plate label must reach.
	PlateThreshold = 0.65
	// CropThreshold is the score a manager's crop template must reach.
	CropThreshold = 0.75
)

// Template is one entry of a Bank.
type Template struct {
	// Name is reported as Source "template:<Name>".
	Name string
	// Text is the label text, when known.
	Text  string
	plate bool // a SynthReview plate label (anchored geometry, ring screen)
	// canonical rendering (grey) and its ink box
	base *image.Gray
	ink  image.Rectangle
	// scales holds the template at each searched size on the working plane.
	scales []scaled
}

type scaled struct {
	ratio float64 // ink (plate) or crop height over the plane's shorter side
	w, h  int
	tz    []float32 // zero-mean template
	norm  float64   // sqrt(Σ tz²)
	ink   image.Rectangle
	pad   int // plate padding in plane pixels
}

// Bank is a set of templates Detect matches. It is safe for concurrent use
// by Detect once built.
type Bank struct {
	templates []*Template
}

// Templates lists the bank's templates.
func (b *Bank) Templates() []*Template { return b.templates }

type builtinFile struct {
	Templates []struct {
		Name string `json:"name"`
		Text string `json:"text"`
	} `json:"templates"`
}

// NewBank returns a bank with the built-in templates of assets/templates:
// the label texts SynthReview draws (builtin.json) and any PNG crops there.
func NewBank() (*Bank, error) {
	b := &Bank{}
	fsys := assets.Templates()
	raw, err := fs.ReadFile(fsys, "builtin.json")
	if err != nil {
		return nil, fmt.Errorf("read built-in templates: %w", err)
	}
	var bf builtinFile
	if err := json.Unmarshal(raw, &bf); err != nil {
		return nil, fmt.Errorf("parse built-in templates: %w", err)
	}
	for _, t := range bf.Templates {
		if err := b.AddText(t.Name, t.Text); err != nil {
			return nil, fmt.Errorf("built-in template %q: %w", t.Name, err)
		}
	}
	pngs, err := fs.Glob(fsys, "*.png")
	if err != nil {
		return nil, err
	}
	for _, p := range pngs {
		f, err := fsys.Open(p)
		if err != nil {
			return nil, err
		}
		img, err := decodeCrop(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("built-in template %s: %w", p, err)
		}
		if err := b.AddCrop(strings.TrimSuffix(p, ".png"), img); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// LoadBank returns the built-in bank plus every PNG crop in dir (a manager's
// folder of other vendors' corner marks), each named after its file.
func LoadBank(dir string) (*Bank, error) {
	b, err := NewBank()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return b, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("template folder: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".png") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		img, err := decodeCrop(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", e.Name(), err)
		}
		if err := b.AddCrop(e.Name(), img); err != nil {
			return nil, fmt.Errorf("template %s: %w", e.Name(), err)
		}
	}
	return b, nil
}

// decodeCrop decodes a PNG crop after checking its header dimensions.
func decodeCrop(r interface {
	Read([]byte) (int, error)
}) (image.Image, error) {
	lr := &limitedReader{r: r, n: 16 << 20}
	data := make([]byte, 0, 64<<10)
	buf := make([]byte, 32<<10)
	for {
		n, err := lr.Read(buf)
		data = append(data, buf[:n]...)
		if err != nil {
			break
		}
	}
	if lr.n <= 0 {
		return nil, errors.New("crop PNG is over 16 MiB")
	}
	cfg, err := png.DecodeConfig(bytesReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a PNG crop: %w", err)
	}
	if cfg.Width < 8 || cfg.Height < 8 || cfg.Width*cfg.Height > maxCropPix {
		return nil, fmt.Errorf("crop is %d×%d: must be at least 8×8 and at most %d pixels", cfg.Width, cfg.Height, maxCropPix)
	}
	return png.Decode(bytesReader(data))
}

// AddText adds a SynthReview label text (drawn on its plate) under name.
func (b *Bank) AddText(name, text string) error {
	if err := CheckText(text); err != nil {
		return err
	}
	g, ink, err := labelImage(text, canonInk)
	if err != nil {
		return err
	}
	t := &Template{Name: name, Text: text, plate: true, base: g, ink: ink}
	for r := minRatio; r <= maxRatio*1.0001; r *= scaleStep {
		f := r * planeShort / float64(ink.Dy())
		s := makeScaled(g, ink, f)
		s.ratio = r
		s.pad = int(float64(ink.Min.Y)*f + 0.5)
		if s.w >= 4 && s.h >= 4 {
			t.scales = append(t.scales, s)
		}
	}
	b.templates = append(b.templates, t)
	return nil
}

// AddCrop adds a crop of another vendor's corner mark under name. It is
// matched anywhere within 10 % of the shorter side from a corner, with its
// height between 3 % and 16 % of the shorter side.
func (b *Bank) AddCrop(name string, img image.Image) error {
	bd := img.Bounds()
	if bd.Dx() < 8 || bd.Dy() < 8 || bd.Dx()*bd.Dy() > maxCropPix {
		return fmt.Errorf("crop is %d×%d: must be at least 8×8 and at most %d pixels", bd.Dx(), bd.Dy(), maxCropPix)
	}
	g := image.NewGray(image.Rect(0, 0, bd.Dx(), bd.Dy()))
	for y := 0; y < bd.Dy(); y++ {
		for x := 0; x < bd.Dx(); x++ {
			g.Pix[y*g.Stride+x] = lumaAt(img, bd.Min.X+x, bd.Min.Y+y)
		}
	}
	t := &Template{Name: name, base: g, ink: g.Bounds()}
	for r := minRatio; r <= maxRatio*1.0001; r *= scaleStep {
		f := r * planeShort / float64(bd.Dy())
		s := makeScaled(g, g.Bounds(), f)
		s.ratio = r
		if s.w >= 4 && s.h >= 4 {
			if s.norm < 1e-3 {
				return errors.New("crop is flat (one grey level): nothing to match")
			}
			t.scales = append(t.scales, s)
		}
	}
	b.templates = append(b.templates, t)
	sort.SliceStable(b.templates, func(i, j int) bool { return b.templates[i].plate && !b.templates[j].plate })
	return nil
}

// makeScaled box-resamples g by factor f and makes it zero-mean.
func makeScaled(g *image.Gray, ink image.Rectangle, f float64) scaled {
	w := int(float64(g.Bounds().Dx())*f + 0.5)
	h := int(float64(g.Bounds().Dy())*f + 0.5)
	s := scaled{w: w, h: h}
	if w < 1 || h < 1 {
		return s
	}
	v := resampleGray(g, w, h)
	var sum float64
	for _, p := range v {
		sum += float64(p)
	}
	mean := float32(sum / float64(len(v)))
	s.tz = make([]float32, len(v))
	var ss float64
	for i, p := range v {
		s.tz[i] = p - mean
		ss += float64(s.tz[i]) * float64(s.tz[i])
	}
	s.norm = math.Sqrt(ss)
	s.ink = image.Rect(int(float64(ink.Min.X)*f), int(float64(ink.Min.Y)*f+0.5), int(float64(ink.Max.X)*f+0.5), int(float64(ink.Max.Y)*f+0.5))
	return s
}

// resampleGray resizes g to w×h by area averaging (or nearest sampling when
// enlarging).
func resampleGray(g *image.Gray, w, h int) []float32 {
	sw, sh := g.Bounds().Dx(), g.Bounds().Dy()
	out := make([]float32, w*h)
	for y := 0; y < h; y++ {
		y0 := y * sh / h
		y1 := max(y0+1, (y+1)*sh/h)
		for x := 0; x < w; x++ {
			x0 := x * sw / w
			x1 := max(x0+1, (x+1)*sw/w)
			var s, n int
			for yy := y0; yy < y1; yy++ {
				row := g.Pix[yy*g.Stride:]
				for xx := x0; xx < x1; xx++ {
					s += int(row[xx])
					n++
				}
			}
			out[y*w+x] = float32(s) / float32(n)
		}
	}
	return out
}
