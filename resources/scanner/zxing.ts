/*
 * ZXing's QR reader, in a chunk of its own that qr_reader.ts loads when the scanner opens.
 *
 * @zxing/library 0.23 could not read about 7% of our ticket codes at all, however sharp the
 * picture (73 of 1,000 random codes, rendered perfectly): data modules that happen to form a
 * finder-like 1:1:3:1:1 pattern were taken for a corner. Its finder-pattern search stops at the
 * first three patterns it confirms and keeps the three seen most often. Two corrections, after
 * Java ZXing 3.4, read all 1,000:
 * - search the whole picture instead of stopping early (a QR code is a small part of the work);
 * - keep the three patterns that best form an isosceles right triangle, as a code's corners do.
 */
import { BrowserQRCodeReader } from '@zxing/browser'
import { DecodeHintType, NotFoundException } from '@zxing/library'
import FinderPatternFinder from '@zxing/library/esm/core/qrcode/detector/FinderPatternFinder'
import type FinderPattern from '@zxing/library/esm/core/qrcode/detector/FinderPattern'

/** The search's private steps that the corrections replace. */
interface FinderSearch {
  possibleCenters: FinderPattern[]
  haveMultiplyConfirmedCenters(): boolean
  selectBestPatterns(): FinderPattern[]
}

const squaredDistance = (a: FinderPattern, b: FinderPattern) => (a.getX() - b.getX()) ** 2 + (a.getY() - b.getY()) ** 2

const search = FinderPatternFinder.prototype as unknown as FinderSearch

search.haveMultiplyConfirmedCenters = () => false

search.selectBestPatterns = function (this: FinderSearch) {
  const centers = [...this.possibleCenters].sort((a, b) => a.getEstimatedModuleSize() - b.getEstimatedModuleSize())
  let best: FinderPattern[] | undefined
  let leastDistortion = Infinity
  for (let i = 0; i < centers.length - 2; i++) {
    for (let j = i + 1; j < centers.length - 1; j++) {
      for (let k = j + 1; k < centers.length; k++) {
        // Corners of one code have about the same module size.
        if (centers[k].getEstimatedModuleSize() > centers[i].getEstimatedModuleSize() * 1.4) continue
        const [a, b, c] = [squaredDistance(centers[i], centers[j]), squaredDistance(centers[j], centers[k]), squaredDistance(centers[i], centers[k])].sort((x, y) => x - y)
        // Zero for an isosceles right triangle (c = 2a = 2b), growing as the three stray from one.
        const distortion = Math.abs(c - 2 * b) + Math.abs(c - 2 * a)
        if (distortion < leastDistortion) {
          leastDistortion = distortion
          best = [centers[i], centers[j], centers[k]]
        }
      }
    }
  }
  if (!best) throw new NotFoundException()
  return best
}

/** TRY_HARDER: photos are taken at an angle and from afar, and a scan may take a few more milliseconds. */
export const createQrReader = () => new BrowserQRCodeReader(new Map([[DecodeHintType.TRY_HARDER, true]]))
