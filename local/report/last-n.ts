// The last `size` items of a stream, kept in a fixed ring: `--last N` over a run of any length holds N items.
export class LastN<T> {
  readonly #items: T[] = [];
  readonly #size: number;
  #next = 0;

  /** @throws RangeError size is not a whole number >= 1 */
  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`expected a size >= 1, was ${size}`);
    this.#size = size;
  }

  push(item: T): void {
    if (this.#items.length < this.#size) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** Oldest first */
  items(): T[] {
    return this.#items.length < this.#size
      ? [...this.#items]
      : [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }
}
