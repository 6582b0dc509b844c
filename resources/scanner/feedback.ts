/*
 * A short beep and buzz with each answer, so staff at a busy gate need not read the screen to know:
 * high and short for admitted, low and repeated for refused.
 */
let audio: AudioContext | undefined

export function signal(ok: boolean) {
  navigator.vibrate?.(ok ? 120 : [100, 60, 100, 60, 100])
  try {
    audio ??= new AudioContext()
    void audio.resume()
    const start = audio.currentTime
    const length = ok ? 0.15 : 0.45
    const tone = audio.createOscillator()
    const volume = audio.createGain()
    tone.type = ok ? 'sine' : 'square'
    tone.frequency.value = ok ? 1320 : 220
    volume.gain.setValueAtTime(0.2, start)
    volume.gain.exponentialRampToValueAtTime(0.001, start + length)
    tone.connect(volume).connect(audio.destination)
    tone.start(start)
    tone.stop(start + length)
  } catch {
    // No audio here (an old browser, or sound not yet allowed): the screen and the buzz still tell.
  }
}
