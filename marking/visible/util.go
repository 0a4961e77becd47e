package visible

import (
	"bytes"
	"image"
	"image/color"
	"io"
)

type limitedReader struct {
	r interface{ Read([]byte) (int, error) }
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// lumaAt is the Rec. 601 luma of one pixel, with fast paths for the types
// the standard decoders return.
func lumaAt(img image.Image, x, y int) uint8 {
	switch m := img.(type) {
	case *image.YCbCr:
		return m.Y[m.YOffset(x, y)]
	case *image.Gray:
		return m.Pix[m.PixOffset(x, y)]
	case *image.NRGBA:
		i := m.PixOffset(x, y)
		return luma8(m.Pix[i], m.Pix[i+1], m.Pix[i+2])
	case *image.RGBA:
		i := m.PixOffset(x, y)
		return luma8(m.Pix[i], m.Pix[i+1], m.Pix[i+2])
	}
	g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
	return g.Y
}

func luma8(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
}
