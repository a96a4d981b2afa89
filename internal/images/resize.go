package images

import (
	"image"

	"golang.org/x/image/draw"
)

// scaler is the resampling kernel: Catmull-Rom, because a variant is made
// once and cached but downloaded by every reader, so its quality (and
// bytes) count for more than the build's time.
//
// Measured on a 2-core Xeon (BenchmarkVariants: a 2400x1600 JPEG decoded,
// scaled to 480, 800, 1200 and 1600 wide, encoded at quality 80) and
// TestScalerQuality (RMSE against the exact area average of a chart with
// 1-3 px lines, shrunk 3x and 5x):
//
//	kernel          time/image  bytes of 4 variants  RMSE 3x  RMSE 5x
//	CatmullRom      0.60-0.70 s 240 KB               3.4      1.9
//	BiLinear        0.45 s      213 KB               3.7      2.4
//	ApproxBiLinear  0.17 s      277 KB               10.8     14.3
//
// ApproxBiLinear reads only the four nearest source pixels, so shrinking
// by more than 2x skips most of them: thin chart lines break up, text
// shimmers, and the noise it adds makes files 15% larger. BiLinear is
// a true (tent) filter, a little softer than Catmull-Rom; it is the
// fallback if cold builds grow too slow (change it here and in version).
var scaler draw.Interpolator = draw.CatmullRom

// resize scales src to the displayed size dw x dh: for an image stored
// sideways (EXIF orientation 5-8) it scales to the stored shape first and
// turns the small result, which is cheaper than turning the original.
func resize(src *image.RGBA, o exifOrientation, dw, dh int) *image.RGBA {
	sw, sh := dw, dh
	if o.swapsAxes() {
		sw, sh = dh, dw
	}
	dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
	scaler.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return orient(dst, o)
}
