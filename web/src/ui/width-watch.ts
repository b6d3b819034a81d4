/**
 * The width of an element as a ResizeObserver last reported it. Drawing code reads this instead
 * of clientWidth, which would force a synchronous layout in the middle of a frame.
 */
export class WidthWatch {
  width: number;

  constructor(el: HTMLElement, onChange: (width: number) => void, initial = 300) {
    this.width = el.clientWidth || initial;
    new ResizeObserver((entries) => {
      const w = Math.round(entries[entries.length - 1].contentRect.width);
      if (w > 0 && w !== this.width) {
        this.width = w;
        onChange(w);
      }
    }).observe(el);
  }
}
