// The Exchange contract over the real BTCTurk gateway, replaying recorded payloads through undici MockAgent
import { exchangeContract } from './exchange.contract';
import { makeMockAgentHarness } from './exchange-mockagent-harness';

exchangeContract('BtcturkExchangeGateway over MockAgent', makeMockAgentHarness);
