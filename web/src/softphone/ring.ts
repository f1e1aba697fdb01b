/** The ring of an incoming offer: a two-tone burst every two seconds, made with WebAudio (no audio file). */
export class Ringer {
  private context: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  get ringing(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.burst();
    this.timer = setInterval(() => this.burst(), 2_000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private burst(): void {
    try {
      this.context ??= new AudioContext();
      const context = this.context;
      for (const [frequency, offset] of [
        [440, 0],
        [480, 0],
        [440, 0.5],
        [480, 0.5],
      ] as const) {
        const tone = context.createOscillator();
        const gain = context.createGain();
        tone.frequency.value = frequency;
        gain.gain.value = 0.08;
        tone.connect(gain).connect(context.destination);
        tone.start(context.currentTime + offset);
        tone.stop(context.currentTime + offset + 0.4);
      }
    } catch {
      // No audio output (or not allowed yet): the offer is still shown.
    }
  }
}
