export * from './single-stream-settings';
export * from './single-stream-detector';
export * from './single-stream-episodes';
export * from './score-stream';
