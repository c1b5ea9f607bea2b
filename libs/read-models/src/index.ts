export { TwinDirectory } from './twin-directory';
