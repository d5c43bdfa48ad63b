// When a window state change reads the database (src/extension/db/focus.ts).
import * as assert from 'node:assert/strict';
import { FocusGate } from '../../src/extension/db/focus';

describe('FocusGate (focus regained reads the database)', () => {
  it('reads when focus comes back, not when an already focused window turns idle or active', () => {
    let t = 0;
    const gate = new FocusGate(true, 3000, () => t);
    t = 10_000;
    assert.equal(gate.shouldRead({ focused: true }), false, 'still focused (the user went idle or came back)');
    assert.equal(gate.shouldRead({ focused: false }), false, 'focus left');
    assert.equal(gate.shouldRead({ focused: true }), true, 'focus regained');
  });
  it('reads at most once per gap', () => {
    let t = 0;
    const gate = new FocusGate(false, 3000, () => t);
    t = 5000;
    assert.equal(gate.shouldRead({ focused: true }), true);
    gate.shouldRead({ focused: false });
    t = 6000;
    assert.equal(gate.shouldRead({ focused: true }), false, 'within 3 s of the last read');
    gate.shouldRead({ focused: false });
    t = 9000;
    assert.equal(gate.shouldRead({ focused: true }), true);
  });
});
