/**
 * CSV imports started over HTTP: the upload is kept whole on disk (raw input is never lost), then imported by the
 * pipeline in the background with its progress visible to the park's admins. Jobs live in memory; the upload and its
 * import_file record survive a restart, and importing the same file again resumes after its last committed line.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { AppError } from '../lib/errors.ts';
import { recordAudit } from '../modules/access/index.ts';
import { importReadingsCsv } from '../modules/telemetry/index.ts';
import type { ImportJob } from './api-types.ts';

/** Largest upload accepted (bytes). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob & { parkId: string; done: Promise<void> }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly uploadDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the upload, then starts importing it; returns at once with the job (status `running`). */
  async start(parkId: string, fileName: string, body: Readable, actor: string): Promise<ImportJob> {
    const id = crypto.randomUUID();
    const safeName = path.basename(fileName).replace(/[^\w.\-\u4e00-\u9fff]/g, '_') || 'upload.csv';
    const dir = path.join(this.uploadDir, parkId);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${id}-${safeName}`);
    let bytes = 0;
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_UPLOAD_BYTES) body.destroy(new AppError('BAD_INPUT', 'upload larger than 2 GiB'));
    });
    await pipeline(body, fs.createWriteStream(file));
    const job: ImportJob & { parkId: string; done: Promise<void> } = {
      id,
      parkId,
      fileName: safeName,
      status: 'running',
      bytesTotal: bytes,
      bytesDone: 0,
      rowsDone: 0,
      startedAtMs: this.now(),
      finishedAtMs: null,
      result: null,
      error: null,
      done: Promise.resolve(),
    };
    this.jobs.set(id, job);
    await recordAudit(this.pool, {
      actor,
      action: 'readings.import',
      parkId,
      target: safeName,
      detail: { job: id, bytes, storedAs: path.basename(file) },
    });
    job.done = importReadingsCsv(this.pool, parkId, file, {
      actor,
      displayName: safeName,
      onProgress: (p) => {
        job.bytesDone = p.bytesDone;
        job.rowsDone = p.linesDone;
      },
    }).then(
      (r) => {
        job.status = 'done';
        job.bytesDone = job.bytesTotal;
        job.rowsDone = r.lines;
        job.result = {
          received: r.received,
          inserted: r.inserted,
          unchanged: r.unchanged,
          revised: r.revised,
          rejected: r.rejected,
        };
        job.finishedAtMs = this.now();
      },
      (error: unknown) => {
        job.status = 'failed';
        job.error = error instanceof AppError ? error.message : 'the import failed; see the server log';
        job.finishedAtMs = this.now();
        if (!(error instanceof AppError)) console.error(error);
      },
    );
    return this.view(job);
  }

  get(parkId: string, id: string): ImportJob {
    const job = this.jobs.get(id);
    if (!job || job.parkId !== parkId) throw new AppError('NOT_FOUND', `no import "${id}"`);
    return this.view(job);
  }

  list(parkId: string): ImportJob[] {
    return [...this.jobs.values()]
      .filter((j) => j.parkId === parkId)
      .map((j) => this.view(j))
      .reverse();
  }

  /** Waits for every running import (shutdown; tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  private view(job: ImportJob & { parkId: string; done: Promise<void> }): ImportJob {
    const { parkId: _p, done: _d, ...rest } = job;
    return { ...rest };
  }
}
