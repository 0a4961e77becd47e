// Package watermark embeds and detects SynthReview's keyed invisible
// watermark, which carries a ProduceID (or its 64-bit digest) in the pixels
// so that a copy whose metadata label was stripped can still be tied to its
// generation record. Watermarks are encouraged, not required, by the Labeling
// Measures (LM Art. 5; GB 45438 §6.2), and "watermark present, metadata
// gone" is a sign that a label was removed (LM Art. 10), which scan reports
// as watermark-without-label.
//
// # Design
//
// A key-derived tile of 64×64 cells is repeated over the whole picture and
// added to luma (equal amounts to R, G and B, so colours do not shift).
// At the "canonical" pyramid level (the 2× box-downscaled level whose shorter
// side is at most 1200 px) a cell is 2×2 pixels, so a tile is 128 px; at
// full resolution a cell is 2·2^level pixels. Half of the cells, chosen by
// the key, carry a fixed ±1 synchronisation chip; the other half carry the
// 354 bits of the coded payload, each spread over 5–6 cells with its own
// keyed ±1 chip. The strength follows local contrast (7×7 standard
// deviation) and is scaled to an RMS luma change of 2.8 levels: PSNR ≈
// 39 dB, above the 38 dB target.
//
// The payload is 72 bits (mode, 64-bit value, 7 version bits): a ProduceID
// of up to 12 characters of [A-Z0-9-] in base 38, or the first 8 bytes of
// SHA-256 of a longer one. A 40-bit keyed check (HMAC-SHA-256) follows, and
// the 112 bits are coded with the K=7 rate-1/3 convolutional code (133, 171,
// 165 octal), terminated, and decoded by soft-decision Viterbi.
//
// Detection needs no original. The luma is whitened (minus its 5×5 mean,
// clipped at ±24), which leaves the mark and the picture's fine texture.
// The tile's period, however the picture was resized, shows as a comb of
// harmonics in the power spectrum summed over rows (and over columns); after
// flattening the spectrum and removing the JPEG 8-pixel grid's harmonics, the
// autocorrelation peaks at the period, refined by a least-squares fit over
// its multiples. The whitened picture is then folded modulo the period into
// 256×256 sub-bins (4 per cell); the sync chips are correlated with the fold
// at all 4096 shifts by FFT, which finds the translation (any crop offset,
// not only multiples of 8). The drift of that alignment between the
// picture's halves corrects the period to a small fraction of a pixel, the
// picture is folded again, and the data cells are read, Viterbi-decoded and
// checked. Detection tries every key of the Keyring, newest first.
//
// # False positives
//
// A mark is reported only when the keyed 40-bit check of a decoded message
// matches: for an unmarked picture, or a picture marked with another key, a
// decode attempt passes with probability 2⁻⁴⁰ ≈ 9.1·10⁻¹³. At most three
// attempts are made per key (and only when the sync peak stands five
// standard deviations above its background), so the designed rate is at
// most 3 × 2⁻⁴⁰ ≈ 2.7·10⁻¹² per picture and key, far below one in a
// billion; with k keys in the ring it is k times that (still under 10⁻⁹
// for 300 keys). The sync gate is not counted: on unmarked pictures about a
// quarter of the sync peaks pass it, so the check carries the guarantee. Over the project photos, their
// resized copies and hundreds of random crops (bench/watermark/run.sh) none
// has been reported.
//
// # Robustness
//
// bench/watermark/run.sh measures recovery on natural photos after JPEG
// quality 60; resizing to 50 %; cropping to 92 % at random offsets;
// brightness and contrast +10 %; 75 % resizing then JPEG quality 70; and
// harder stress cases. Embed needs at least 256 px on the shorter side (two
// tiles), and a copy downscaled to half of that still decodes. Rotation, mirroring, strong aspect-ratio changes and
// screen photography are out of scope: the mark does not search rotations.
//
// Forbidden imports (style.md §2): Fyne, database/sql, review, store/...,
// ui/..., app.
package watermark
