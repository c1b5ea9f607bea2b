export * from './cnc-fixtures';
