export * from './stats/symmetric-eigen';
export * from './multivariate/pca-monitor';
export * from './episodes/episode-tracker';
export * from './backtest/score-series';
