package audio

// MP3Waveform reports whether this build decodes MP3 samples for the
// waveform. Without a decoder an MP3 summary has timing but no peaks.
const MP3Waveform = false

// mp3Peaks would decode the frames in audio for the waveform; this build
// has no MP3 decoder: the only pure-Go one (hajimehoshi/go-mp3 v0.3.4)
// garbles some MPEG-2 files, so the previewer asks ffmpeg instead.
func mp3Peaks(audio []byte, h frameHeader, samples int64, columns int) ([]float32, string) {
	return nil, "no waveform: this build has no MP3 decoder"
}
