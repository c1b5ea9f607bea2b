import { eventFeedController } from '@twinlog/nest-transport';
import { DIRECTORY_FEED } from '../tokens';
import { TwinDirectory } from './twin-directory';

/** Keeps the directory following twin-events after its start-up replay. */
export const TwinDirectoryMessageController = eventFeedController(TwinDirectory, DIRECTORY_FEED);
