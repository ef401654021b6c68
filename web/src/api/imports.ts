/** CSV back-fill: upload with progress (XMLHttpRequest reports upload progress, fetch does not), then poll the job. */
import type { ApiError, ImportJob } from '../../../src/server/api-types.ts';
import { ApiFailure, apiGet, parkPath, query } from './client.ts';

/**
 * POSTs the file as text/csv; `onProgress(sent, total)` follows the upload; resolves to the 202 ImportJob.
 */
export function uploadCsv(
  park: string,
  file: File,
  onProgress: (sentBytes: number, totalBytes: number) => void,
): Promise<ImportJob> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', parkPath(park, `/imports${query({ fileName: file.name })}`));
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiFailure(0, null, 'network error'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportJob);
      else {
        const err = body as ApiError | null;
        reject(new ApiFailure(xhr.status, err, err?.message ?? xhr.statusText));
      }
    };
    xhr.send(file);
  });
}

export const getImport = (park: string, id: string, signal?: AbortSignal) =>
  apiGet<ImportJob>(parkPath(park, `/imports/${encodeURIComponent(id)}`), signal);

export const listImports = (park: string, signal?: AbortSignal) =>
  apiGet<{ imports: ImportJob[] }>(parkPath(park, '/imports'), signal);
