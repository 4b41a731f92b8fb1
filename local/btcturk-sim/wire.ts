// Wire shapes of private data (BTCTURK_API.md 7): the order object, the submit ack, balances (dot or comma
// decimals) and user-trade rows whose ids (> 2^53) are written as bare integers with exact digits.
import { type Dec, toPlain, ZERO } from '../../shared/domain/money';
import type { BalanceView } from './accounts';
import { type JsonValue, RawNumber } from './json-text';
import type { SimFill, SimOrder } from './orders';

const priceText = (o: SimOrder, x: Dec) => x.toFixed(o.pair.denominatorScale);

export function orderJson(o: SimOrder, zeroTime: boolean): JsonValue {
  return {
    id: o.id,
    price: priceText(o, o.price),
    amount: toPlain(o.quantity),
    quantity: toPlain(o.quantity),
    stopPrice: priceText(o, ZERO),
    pairSymbol: o.pair.symbol,
    pairSymbolNormalized: o.pair.normalized,
    type: o.side,
    method: 'limit',
    orderClientId: o.clientId,
    time: zeroTime ? 0 : o.createdMs,
    updateTime: o.updateMs,
    status: o.status,
    leftAmount: toPlain(o.left),
  };
}

export function submitAckJson(o: SimOrder): JsonValue {
  return {
    id: o.id,
    datetime: o.createdMs,
    type: o.side,
    method: 'limit',
    price: priceText(o, o.price),
    stopPrice: null,
    quantity: toPlain(o.quantity),
    pairSymbol: o.pair.symbol,
    pairSymbolNormalized: o.pair.normalized,
    newOrderClientId: o.clientId,
  };
}

const ASSET_NAMES: Readonly<Record<string, string>> = { TRY: 'Türk Lirası', BTC: 'Bitcoin', ETH: 'Ethereum' };

export function balanceJson(b: BalanceView, precision: number, commaDecimals: boolean, nowMs: number): JsonValue {
  const text = (x: Dec) => (commaDecimals ? toPlain(x).replace('.', ',') : toPlain(x));
  return {
    asset: b.asset,
    assetname: ASSET_NAMES[b.asset] ?? b.asset,
    balance: text(b.total),
    locked: text(b.locked),
    free: text(b.free),
    orderFund: text(b.locked),
    requestFund: '0',
    precision,
    timestamp: nowMs,
  };
}

export function userTradeJson(f: SimFill): JsonValue {
  const { order } = f;
  const signed = order.side === 'sell' ? f.amount.neg() : f.amount;
  return {
    price: priceText(order, f.price),
    numeratorSymbol: order.pair.base,
    denominatorSymbol: order.pair.quote,
    orderType: order.side,
    orderId: order.id,
    orderClientId: order.clientId,
    id: new RawNumber(f.id.toString()),
    timestamp: f.timeMs,
    amount: signed.toFixed(order.pair.numeratorScale),
    preciseAmount: new RawNumber(signed.toFixed(16)),
    fee: f.fee.neg().toFixed(8),
    tax: f.tax.neg().toFixed(8),
  };
}
