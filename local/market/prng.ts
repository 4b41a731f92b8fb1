// The seeded generator the market generator and the simulator's faults draw from: the domain's one PRNG
// (mulberry32 streams derived by label), so a series replays from its seed everywhere alike.
export { createPrng, hash32, type Prng } from '../../shared/domain/prng';
