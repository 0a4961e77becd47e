package ui

import (
	"encoding/json"
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// mediaPane is the media half of the review desk and the training screen:
// the picture (with the label boxes and the 5 % guide), the waveform or
// the text of an item, the zoom buttons, and the reveal button for media
// blurred because a rule flagged it as harmful.
type mediaPane struct {
	keys       *keymap
	image      *widgets.ImageView
	wave       *widgets.Waveform
	text       *widget.Label
	textScroll *container.Scroll
	info       *widget.Label
	note       *widget.Label
	stack      *fyne.Container // the image, the waveform or the text
	reveal     *widget.Button
	zoomIn     *widget.Button
	zoomOut    *widget.Button
	zoomFit    *widget.Button
	guide      *widget.Check
	root       fyne.CanvasObject

	shown     *loaded
	concealed bool // the shown media is blurred until revealed
}

// newMediaPane builds the pane; keys word its buttons, and the reveal
// button calls onReveal (the screen checks that an item is shown).
func newMediaPane(keys *keymap, onReveal func()) *mediaPane {
	p := &mediaPane{keys: keys}
	p.image = widgets.NewImageView()
	p.image.SetPlaceholder(lang.L("desk.media.none"))
	p.wave = widgets.NewWaveform()
	p.wave.SetPlaceholder(lang.L("desk.media.no_audio"))
	p.text = widget.NewLabel("")
	p.text.Wrapping = fyne.TextWrapWord
	p.text.Selectable = true
	p.textScroll = container.NewVScroll(p.text)
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.note = widget.NewLabel("")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.WarningImportance
	p.stack = container.NewStack(p.image)
	p.reveal = widget.NewButtonWithIcon(keyedText(keys, actReveal, "desk.reveal"), theme.VisibilityIcon(), onReveal)
	p.reveal.Hide()
	p.guide = widget.NewCheck(keyedText(keys, actGuide, "desk.guide"), func(on bool) {
		p.image.SetGuide(on, lang.L("desk.guide.label"))
	})
	p.guide.SetChecked(true)
	// The zoom buttons carry their keys as their text.
	p.zoomIn = widget.NewButtonWithIcon(keyName(keys.key(actZoomIn)), theme.ZoomInIcon(), p.image.ZoomIn)
	p.zoomOut = widget.NewButtonWithIcon(keyName(keys.key(actZoomOut)), theme.ZoomOutIcon(), p.image.ZoomOut)
	p.zoomFit = widget.NewButtonWithIcon(keyName(keys.key(actZoomFit)), theme.ZoomFitIcon(), p.image.ZoomFit)
	bar := container.NewHBox(p.zoomIn, p.zoomOut, p.zoomFit, p.guide, layout.NewSpacer(), p.reveal)
	p.root = container.NewBorder(bar, container.NewVBox(p.note, p.info), nil, nil, p.stack)
	return p
}

func (p *mediaPane) content() fyne.CanvasObject { return p.root }

// keyedText words a button with its key: "Approve (A)".
func keyedText(keys *keymap, a deskAction, key string) string {
	return lang.L("desk.keyed", map[string]any{"Label": lang.L(key), "Key": keyName(keys.key(a))})
}

// relabelKeys re-words the buttons after the keys were remapped.
func (p *mediaPane) relabelKeys() {
	p.reveal.SetText(keyedText(p.keys, actReveal, "desk.reveal"))
	p.zoomIn.SetText(keyName(p.keys.key(actZoomIn)))
	p.zoomOut.SetText(keyName(p.keys.key(actZoomOut)))
	p.zoomFit.SetText(keyName(p.keys.key(actZoomFit)))
	p.guide.Text = keyedText(p.keys, actGuide, "desk.guide")
	p.guide.Refresh()
}

// onAction runs the pane's own actions (zoom, the guide) and reports
// whether a was one.
func (p *mediaPane) onAction(a deskAction) bool {
	switch a {
	case actZoomIn:
		p.image.ZoomIn()
	case actZoomOut:
		p.image.ZoomOut()
	case actZoomFit:
		p.image.ZoomFit()
	case actGuide:
		p.guide.SetChecked(!p.guide.Checked)
	default:
		return false
	}
	return true
}

// pan moves the picture with an arrow key.
func (p *mediaPane) pan(n fyne.KeyName) {
	const step = 48
	switch n {
	case fyne.KeyLeft:
		p.image.Pan(step, 0)
	case fyne.KeyRight:
		p.image.Pan(-step, 0)
	case fyne.KeyUp:
		p.image.Pan(0, step)
	case fyne.KeyDown:
		p.image.Pan(0, -step)
	}
}

// show fills the pane for the preview's kind; concealed blurs the media
// until onReveal.
func (p *mediaPane) show(l *loaded, concealed bool) {
	p.shown, p.concealed = l, concealed
	pv := l.pv
	p.note.SetText(mediaNote(pv))
	if p.note.Text == "" {
		p.note.Hide()
	} else {
		p.note.Show()
	}
	p.info.SetText(mediaInfo(pv))
	p.reveal.Hide()
	concealedNote := lang.L("desk.concealed", map[string]any{"Key": keyName(p.keys.key(actReveal))})
	switch {
	case l.img != nil:
		p.image.SetImage(l.img)
		p.image.SetBoxes(labelBoxes(l.ev.Scan, pv.Scale))
		p.image.SetGuide(p.guide.Checked, lang.L("desk.guide.label"))
		p.image.SetConcealed(p.concealed, concealedNote)
		if p.concealed {
			p.reveal.Show()
		}
		p.stack.Objects = []fyne.CanvasObject{p.image}
	case pv.Kind == "audio":
		p.wave.SetPeaks(pv.Peaks, pv.Duration)
		p.stack.Objects = []fyne.CanvasObject{p.wave}
	case pv.Kind == "text":
		if p.concealed {
			p.text.SetText(concealedNote)
			p.reveal.Show()
		} else {
			p.text.SetText(cleanLong(pv.Text))
		}
		p.textScroll.ScrollToTop()
		p.stack.Objects = []fyne.CanvasObject{p.textScroll}
	default:
		p.image.SetImage(nil)
		p.image.SetBoxes(nil)
		p.stack.Objects = []fyne.CanvasObject{p.image}
	}
	p.stack.Refresh()
}

// onReveal shows media that was blurred because a rule flagged it.
func (p *mediaPane) onReveal() {
	if p.shown == nil || !p.concealed {
		return
	}
	p.concealed = false
	p.image.Reveal()
	if p.shown.pv.Kind == "text" {
		p.text.SetText(cleanLong(p.shown.pv.Text))
	}
	p.reveal.Hide()
}

// mediaInfo words the preview's facts in one line.
func mediaInfo(pv review.Preview) string {
	var parts []string
	if pv.Width > 0 && pv.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d × %d px", pv.Width, pv.Height))
	}
	if pv.Duration > 0 {
		parts = append(parts, lang.L("desk.media.duration", map[string]any{"Duration": clock(pv.Duration)}))
	}
	if pv.SampleRate > 0 {
		parts = append(parts, fmt.Sprintf("%d Hz", pv.SampleRate))
	}
	if pv.Channels > 0 {
		parts = append(parts, lang.L("desk.media.channels", map[string]any{"N": pv.Channels}))
	}
	keys := make([]string, 0, len(pv.Meta))
	for k := range pv.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, mediaMetaKey(k)+": "+cleanText(pv.Meta[k]))
	}
	return strings.Join(parts, " · ")
}

// mediaNotes are the Preview.NoteCode values the screen words.
var mediaNotes = []string{"no-decoder", "no-preview", "header-unreadable", "no-pixels", "too-large",
	"not-decodable", "encode-failed", "not-utf8", "text-cut", "audio-unreadable", "audio-partial",
	"no-waveform", "no-ffmpeg", "ffprobe-failed", "no-streams", "frame-failed", "temp-failed"}

// mediaNote words why part of the media cannot be shown, in the user's
// language (the English detail was logged when the preview was loaded).
func mediaNote(pv review.Preview) string {
	if pv.NoteCode == "" && pv.Note == "" {
		return ""
	}
	if slices.Contains(mediaNotes, pv.NoteCode) {
		return lang.L("media.note." + pv.NoteCode)
	}
	return lang.L("media.note.other")
}

// mediaMetas are the Preview.Meta keys the screen words.
var mediaMetas = []string{"format", "orientation", "codec", "bits_per_sample", "bit_rate", "container",
	"video_codec", "frame_rate", "audio_codec"}

func mediaMetaKey(k string) string {
	if slices.Contains(mediaMetas, k) {
		return lang.L("media.meta." + k)
	}
	return cleanText(k)
}

// clock words a duration as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// labelBoxes reads the visible labels' boxes from the scan report (the
// `scan --json` contract: explicit[].box in the original's pixels) and
// scales them to the preview.
func labelBoxes(scan string, scale float64) []widgets.Box {
	var r struct {
		Explicit []struct {
			Text        string  `json:"text"`
			Box         [4]int  `json:"box"`
			HeightRatio float64 `json:"height_ratio"`
		} `json:"explicit"`
	}
	if scale <= 0 {
		scale = 1
	}
	if json.Unmarshal([]byte(scan), &r) != nil {
		return nil
	}
	var out []widgets.Box
	for _, e := range r.Explicit {
		x, y, w, h := e.Box[0], e.Box[1], e.Box[2], e.Box[3]
		if w <= 0 || h <= 0 {
			continue
		}
		sc := func(n int) int { return int(float64(n) * scale) }
		out = append(out, widgets.Box{
			Rect:  image.Rect(sc(x), sc(y), sc(x+w), sc(y+h)),
			Label: lang.L("desk.box", map[string]any{"Text": cleanText(e.Text), "Percent": fmt.Sprintf("%.1f", e.HeightRatio*100)}),
			OK:    e.HeightRatio >= 0.05,
		})
	}
	return out
}
