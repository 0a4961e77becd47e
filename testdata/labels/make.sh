#!/bin/sh
# Regenerates the labelled fixtures in this folder from several independent
# writers: ExifTool, ffmpeg, Pillow (Debian python3-pil), ImageMagick and
# hand-built bytes (python3 standard library). See README.md for each file.
# Needs: exiftool ffmpeg convert (ImageMagick 6) /usr/bin/python3 with PIL.
set -eu
cd "$(dirname "$0")"
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# A valid fictional producer code (requirements.md §3.3).
CODE=001191110108MA01ABCD5T10007
INNER='{"Label":"1","ContentProducer":"'$CODE'","ProduceID":"IMG20251128000123","ReservedCode1":"","ContentPropagator":"'$CODE'","PropagateID":"IMG20251128000123","ReservedCode2":""}'
WRAPPED='{"AIGC":'$INNER'}'
# The 215-byte example of requirements.md §3.5 (both check characters wrong).
BADCODE='{"Label":"1","ContentProducer":"001191110108MA0000000X10001","ProduceID":"IMG20250901000123","ReservedCode1":"","ContentPropagator":"001191110108MA0000000X10001","PropagateID":"IMG20250901000123","ReservedCode2":""}'

# ExifTool 12.57 has no TC260 table: define it (and a PNG AIGC text tag).
cat > "$T/et.config" <<'CFG'
%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } },
    },
    'Image::ExifTool::PNG::TextualData' => { AIGC => { } },
);
%Image::ExifTool::UserDefined::TC260 = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
    NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
    WRITABLE => 'string',
    AIGC => { },
);
1;
CFG
ET="exiftool -config $T/et.config -q -m -overwrite_original"

# Small base images from ImageMagick.
convert -size 16x16 xc:'#3366cc' "$T/base.jpg"
convert -size 16x16 xc:'#3366cc' "$T/base.png"
convert -size 16x16 xc:'#3366cc' "$T/base.gif"
convert -size 16x16 xc:'#3366cc' -compress none "$T/base.tif"
convert -size 16x16 xc:'#3366cc' "$T/base.webp"

## ExifTool
cp "$T/base.jpg" et_xmp.jpg;        $ET "-XMP-TC260:AIGC=$INNER" et_xmp.jpg
cp "$T/base.jpg" et_xmp_attr.jpg;   $ET -api Compact=Shorthand "-XMP-TC260:AIGC=$INNER" et_xmp_attr.jpg
cp "$T/base.jpg" et_usercomment.jpg; $ET "-EXIF:UserComment=$WRAPPED" et_usercomment.jpg
cp "$T/base.jpg" et_iptc.jpg;       $ET "-XMP-TC260:AIGC=$INNER" "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" et_iptc.jpg
cp "$T/base.jpg" et_badcode.jpg;    $ET "-XMP-TC260:AIGC=$BADCODE" et_badcode.jpg
cp "$T/base.png" et_xmp.png;        $ET "-XMP-TC260:AIGC=$INNER" et_xmp.png
cp "$T/base.png" et_text.png;       $ET "-PNG:AIGC=$WRAPPED" et_text.png
cp "$T/base.gif" et_xmp.gif;        $ET "-XMP-TC260:AIGC=$INNER" et_xmp.gif
cp "$T/base.tif" et_xmp.tif;        $ET "-XMP-TC260:AIGC=$INNER" et_xmp.tif
cp "$T/base.webp" et_xmp.webp;      $ET "-XMP-TC260:AIGC=$INNER" et_xmp.webp
cp "$T/base.webp" et_usercomment.webp; $ET "-EXIF:UserComment=$WRAPPED" et_usercomment.webp
# A large XMP (over 64 KB) that ExifTool splits into ExtendedXMP segments.
BIG=$($PY -c 'print("x"*70000)')
cp "$T/base.jpg" et_extended.jpg;   $ET "-XMP-TC260:AIGC=$INNER" "-XMP-dc:Description=$BIG" et_extended.jpg
# Two different labels in one file (XMP and UserComment).
cp "$T/base.jpg" et_conflict.jpg;   $ET "-XMP-TC260:AIGC=$INNER" "-EXIF:UserComment={\"AIGC\":$BADCODE}" et_conflict.jpg

## ffmpeg
FF="ffmpeg -hide_banner -loglevel error -y"
VID="-f lavfi -i color=c=blue:s=16x16:d=0.04:r=25"
AUD="-f lavfi -i sine=frequency=440:duration=0.05:sample_rate=8000"
$FF $VID -c:v mpeg4 -movflags use_metadata_tags -metadata "AIGC=$INNER" ff_udta.mp4
$FF $VID -c:v mpeg4 -f mov -movflags use_metadata_tags -metadata "AIGC=$INNER" ff_udta.mov
$FF $VID -c:v mpeg4 -metadata "AIGC=$INNER" ff_tag.mkv
$FF $AUD -c:a pcm_s16le -metadata "AIGC=$INNER" ff_tag.mka
$FF $AUD -c:a libmp3lame -metadata "AIGC=$INNER" ff_txxx_v24.mp3
$FF $AUD -c:a libmp3lame -id3v2_version 3 -metadata "AIGC=$INNER" ff_txxx_v23.mp3
$FF $VID -c:v flv -metadata "AIGC=$INNER" ff_meta.flv
$FF $VID -c:v mpeg4 ff_nolabel.mp4

## Pillow
$PY - "$INNER" "$WRAPPED" <<'PYEOF'
import io, sys
from PIL import Image, PngImagePlugin
inner, wrapped = sys.argv[1], sys.argv[2]
xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">'
       '<TC260:AIGC>' + inner.replace('&', '&amp;').replace('<', '&lt;').replace('"', '&quot;') + '</TC260:AIGC>'
       '</rdf:Description></rdf:RDF></x:xmpmeta>')
im = Image.new("RGB", (16, 16), (200, 40, 40))
pi = PngImagePlugin.PngInfo(); pi.add_text("AIGC", wrapped)
im.save("pil_text.png", pnginfo=pi)
pi = PngImagePlugin.PngInfo(); pi.add_text("AIGC", wrapped, zip=True)
im.save("pil_ztxt.png", pnginfo=pi)
pi = PngImagePlugin.PngInfo(); pi.add_itxt("XML:com.adobe.xmp", xmp, zip=True)
im.save("pil_itxt_zip.png", pnginfo=pi)
im.save("pil_xmp.webp", xmp=xmp.encode())
ex = Image.Exif()
ex[0x0131] = "Pillow"
ex[0x8769] = {0x9286: b"ASCII\x00\x00\x00" + wrapped.encode()}
im.save("pil_usercomment.jpg", exif=ex.tobytes())
ex2 = Image.Exif()
ex2[0x0131] = "Pillow"
ex2[0x8769] = {0x9286: inner.encode()}  # raw JSON, no charset prefix
im.save("pil_rawjson.jpg", exif=ex2.tobytes())
im.save("pil_xmp.tif", tiffinfo={700: xmp.encode()})
im.convert("P").save("pil_comment.gif", comment=("AIGC" + inner).encode())
Image.new("RGB", (16, 16)).save("pil_nolabel.png")
PYEOF

## ImageMagick
convert -size 16x16 xc:green -set AIGC "$WRAPPED" im_text.png
convert -size 16x16 xc:green -set comment "AIGC$INNER" im_comment.jpg
# Converting a labelled JPEG: ImageMagick keeps the XMP as a hex "Raw profile
# type xmp" zTXt chunk and also copies the property into a "TC260:AIGC" zTXt.
convert et_xmp.jpg im_from_jpeg.png

## Hand-built bytes (python3 standard library)
$PY - "$INNER" "$WRAPPED" <<'PYEOF'
import struct, sys, zipfile, zlib
inner, wrapped = sys.argv[1], sys.argv[2]

def chunk(t, d):
    c = struct.pack(">I", len(d)) + t + d
    return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

def riff(form, chunks):
    body = form
    for cid, d in chunks:
        body += cid + struct.pack("<I", len(d)) + d + (b"\x00" if len(d) % 2 else b"")
    return b"RIFF" + struct.pack("<I", len(body)) + body

fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
pcm = b"\x00\x00" * 400
lab = inner.encode()
if len(lab) % 2 == 0:
    lab += b" "  # odd size, to exercise RIFF padding
open("hb_aigc_chunk.wav", "wb").write(riff(b"WAVE", [(b"fmt ", fmt), (b"data", pcm), (b"AIGC", lab)]))
info = b"INFO" + b"AIGC" + struct.pack("<I", len(lab)) + lab + (b"\x00" if len(lab) % 2 else b"")
open("hb_list_info.wav", "wb").write(riff(b"WAVE", [(b"fmt ", fmt), (b"LIST", info), (b"data", pcm)]))

# PNG with the tEXt label after IDAT, and one with the TC260 prefix bound to
# the wrong namespace in attribute form.
ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
idat = zlib.compress(b"\x00\xff\x00\x00")
sig = b"\x89PNG\r\n\x1a\n"
open("hb_text_after_idat.png", "wb").write(sig + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) +
    chunk(b"tEXt", b"AIGC\x00" + wrapped.encode()) + chunk(b"IEND", b""))
esc = inner.replace("&", "&amp;").replace('"', "&quot;")
bad = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description rdf:about="" xmlns:TC260="http://ns.adobe.com/xap/1.0/tc/" TC260:AIGC="' + esc + '"/>'
       '</rdf:RDF></x:xmpmeta>').encode()
open("hb_wrong_ns.png", "wb").write(sig + chunk(b"IHDR", ihdr) +
    chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + bad) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))

# DOCX with the custom property.
ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
      '</Types>')
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>'
        '</Relationships>')
doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>AI生成</w:t></w:r></w:p></w:body></w:document>')
custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
          'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
          '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="AIGC"><vt:lpwstr>' +
          inner.replace("&", "&amp;").replace("<", "&lt;") + '</vt:lpwstr></property></Properties>')
with zipfile.ZipFile("hb_custom.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("_rels/.rels", rels)
    z.writestr("word/document.xml", doc)
    z.writestr("docProps/custom.xml", custom)

# Text outputs.
open("hb_notice_start.txt", "w", encoding="utf-8").write("【AI生成】以下内容由人工智能生成。\n今天天气晴朗，适合出行。\n")
open("hb_notice_end.md", "w", encoding="utf-8").write("# 旅行建议\n\n" + "建议早上出发，避开高峰。\n" * 60 + "\n本文由人工智能合成\n")
open("hb_front_matter.md", "w", encoding="utf-8").write(
    "---\ntitle: 示例\nAIGC:\n  Label: \"1\"\n  ContentProducer: \"001191110108MA01ABCD5T10007\"\n"
    "  ProduceID: \"TXT20251128000001\"\n  ReservedCode1: \"\"\n  ContentPropagator: \"001191110108MA01ABCD5T10007\"\n"
    "  PropagateID: \"TXT20251128000001\"\n  ReservedCode2: \"\"\n---\n\n由AI生成的示例文本。\n")
open("hb_plain.txt", "w", encoding="utf-8").write("A plain note with no notice at all.\n")
PYEOF
## ExifTool again, on bases from the other writers: XMP in MP4 (uuid box),
## XMP in PDF, and the PDF Info key /AIGC (one implementation's carrier).
cp ff_nolabel.mp4 et_xmp.mp4;  $ET "-XMP-TC260:AIGC=$INNER" et_xmp.mp4
$PY - <<'PYEOF'
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"]
out, offs = b"%PDF-1.4\n", []
for i, o in enumerate(objs):
    offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open("hb_base.pdf", "wb").write(out)
PYEOF
cat > "$T/pdf.config" <<'CFG'
%Image::ExifTool::UserDefined = ( 'Image::ExifTool::PDF::Info' => { AIGC => { } } );
1;
CFG
cp hb_base.pdf et_xmp.pdf;  $ET "-XMP-TC260:AIGC=$INNER" et_xmp.pdf
mv hb_base.pdf et_info.pdf; exiftool -config "$T/pdf.config" -q -m -overwrite_original "-PDF:AIGC=$INNER" et_info.pdf

ls -l
