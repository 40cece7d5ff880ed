import fc from 'fast-check';
import { Fifo } from '../../../src/core/fifo';

describe('Fifo', () => {
  it('behaves as an array taken from with shift(), across compactions', () => {
    const step = fc.oneof(
      fc.record({ push: fc.integer({ min: 1, max: 3_000 }) }),
      fc.record({ drop: fc.integer({ min: 1, max: 3_000 }) }),
      fc.constant({ takeAll: true }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const fifo = new Fifo<number>();
        const plain: number[] = [];
        let next = 0;
        for (const s of steps) {
          if ('push' in s) {
            for (let i = 0; i < s.push; i++, next++) {
              fifo.push(next);
              plain.push(next);
            }
          } else if ('drop' in s) {
            for (let i = 0; i < s.drop; i++) {
              if (fifo.peek() !== plain[0]) return false;
              fifo.dropFirst();
              plain.shift();
            }
          } else if (JSON.stringify(fifo.takeAll()) !== JSON.stringify(plain.splice(0))) {
            return false;
          }
          if (fifo.length !== plain.length || fifo.peek() !== plain[0]) return false;
        }
        return JSON.stringify(fifo.takeAll()) === JSON.stringify(plain);
      }),
      { numRuns: 300 },
    );
  });
});
