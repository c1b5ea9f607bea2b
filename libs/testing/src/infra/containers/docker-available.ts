import { getContainerRuntimeClient } from 'testcontainers';

/** True when testcontainers finds a Docker (or compatible) engine that answers. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
