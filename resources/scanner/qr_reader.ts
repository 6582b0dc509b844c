/*
 * QR decoding with ZXing. It is most of the scanner's weight, so it loads only once a signed-in
 * member of staff reaches the scanning screen, not with the sign-in page.
 */
import type { BrowserQRCodeReader } from '@zxing/browser'
import { messageOf } from '../shared/api'

/** A phone photo is 12 megapixels: a QR code reads as well at this size, many times faster. */
const MAX_EDGE = 1600
/** How often the camera's picture is read: quick enough to feel instant, light on a phone's battery. */
const SCAN_EVERY_MS = 150

let reader: Promise<BrowserQRCodeReader> | undefined

function qrReader() {
  reader ??= import('./zxing').then(({ createQrReader }) => createQrReader())
  return reader
}

/** Starts loading ZXing ahead of the first scan. */
export function preloadQrReader() {
  void qrReader()
}

/** The QR code's text on the canvas, or null. ZXing throws when it finds no code (or a damaged one): for staff, the same. */
function readCanvas(qr: BrowserQRCodeReader, canvas: HTMLCanvasElement): string | null {
  try {
    return qr.decodeFromCanvas(canvas).getText()
  } catch {
    return null
  }
}

/** The QR code's text in a photo, or null when it shows none that can be read. */
export async function decodePhoto(file: Blob): Promise<string | null> {
  const image = await createImageBitmap(file)
  const scale = Math.min(1, MAX_EDGE / Math.max(image.width, image.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(image.width * scale)
  canvas.height = Math.round(image.height * scale)
  canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height)
  image.close()
  return readCanvas(await qrReader(), canvas)
}

/**
 * Streams the back camera into the video element and reports each code it reads; call the result
 * to stop. The frames are read here rather than by ZXing's own video loop, which sizes its canvas
 * once, when the scan starts (before a camera may know its size), and stops for good at any error
 * other than "no code here".
 */
export async function startCamera(video: HTMLVideoElement, onCode: (text: string) => void): Promise<() => void> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('No camera API (the page needs HTTPS)', 'NotSupportedError')
  const qr = await qrReader()
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false })
  const canvas = document.createElement('canvas')
  const frame = canvas.getContext('2d', { willReadFrequently: true })!
  let timer: ReturnType<typeof setTimeout> | undefined
  const stop = () => {
    clearTimeout(timer)
    for (const track of stream.getTracks()) track.stop()
    video.srcObject = null
  }
  const read = () => {
    if (video.videoWidth > 0) {
      if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) Object.assign(canvas, { width: video.videoWidth, height: video.videoHeight })
      frame.drawImage(video, 0, 0)
      const text = readCanvas(qr, canvas)
      if (text) onCode(text)
    }
    timer = setTimeout(read, SCAN_EVERY_MS)
  }
  try {
    video.srcObject = stream
    await video.play()
  } catch (error) {
    stop()
    throw error
  }
  read()
  return stop
}

/** Why the camera did not start, for staff. */
export function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError') return '未获得摄像头权限，请在浏览器设置中允许 Camera permission denied: allow it in the browser settings'
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return '未找到摄像头 No camera found'
  if (name === 'NotReadableError') return '摄像头被其他应用占用 The camera is in use by another app'
  if (name === 'NotSupportedError') return '此页面无法使用摄像头（需要 HTTPS），请用“拍照识别” The camera needs HTTPS here: use “Scan a photo”'
  return `摄像头无法启动 The camera did not start (${messageOf(error)})`
}
