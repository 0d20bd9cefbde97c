import type { ArtifactStore } from './artifact-store.ts';
import { createLocalArtifactStore } from './local-artifact-store.ts';

export interface StorageSettings {
  provider: 'gcs' | 'local';
  bucket?: string | undefined;
  apiEndpoint?: string | undefined;
  projectId?: string | undefined;
  localPath: string;
}

export async function createArtifactStore(settings: StorageSettings): Promise<ArtifactStore> {
  if (settings.provider === 'local') {
    const store = createLocalArtifactStore(settings.localPath);
    await store.ping();
    return store;
  }
  // The GCS client is loaded only when GCS is the configured store.
  const { createGcsArtifactStore } = await import('./gcs-artifact-store.ts');
  const store = createGcsArtifactStore({
    bucket: settings.bucket!,
    apiEndpoint: settings.apiEndpoint,
    projectId: settings.projectId,
  });
  // Against an emulator the bucket may not exist yet; a real bucket is provisioned with the deployment.
  if (settings.apiEndpoint) await store.ensureBucket();
  return store;
}
