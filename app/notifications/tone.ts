// The optional notification sound: a short two-note tone made with Web Audio, so there is no file to load.
let context: AudioContext | null = null;

export function playTone() {
  try {
    context ??= new AudioContext();
    const now = context.currentTime;
    for (const [i, frequency] of [880, 660].entries()) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, now + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.15 + 0.14);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + i * 0.15);
      oscillator.stop(now + i * 0.15 + 0.15);
    }
  } catch {
    // no audio (autoplay policy, no device): the notification itself is enough
  }
}
