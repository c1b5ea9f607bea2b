export * from './ai-settings';
export * from './ai-assistant.token';
export * from './assistant';
export { AnswerCache, askKey } from './answer-cache';
export { checkAnswer, responseFormatOf, type Checked } from './answer-format';
export { ConcurrencyGate, type GateLoad } from './concurrency-gate';
export { DATA_CLOSE, DATA_OPEN, DATA_RULES, quoteData } from './data-block';
export { TokenBudget } from './token-budget';
