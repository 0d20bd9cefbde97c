import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveAudioTool } from '../../src/audio/audio-tools.ts';
import { preprocessAudio, type PreprocessSettings } from '../../src/audio/preprocess-audio.ts';
import { probeDurationSeconds } from '../../src/audio/probe-audio.ts';
import { runTool } from '../../src/audio/run-tool.ts';
import { longRecordings } from '../harness/long-recordings.ts';
import { DURATIONS_SECONDS as BURST_DURATIONS_SECONDS } from './burst.bench.ts';
import { fmt, median } from './load.ts';

const run = promisify(execFile);
const RECORDING_SECONDS = Number(process.env.BENCH_PREPROCESS_SECONDS ?? 108);
const ROUNDS = Number(process.env.BENCH_PREPROCESS_ROUNDS ?? 3);
const CONVERSATION = path.resolve('test/fixtures/audio/two-party-call.wav');
/** The configuration's defaults (80 Hz high-pass, denoise 12 dB at a -25 dB floor). */
const SETTINGS = {
  highpassHz: 80,
  denoiseEnabled: true,
  denoiseNrDb: 12,
  denoiseNoiseFloorDb: -25,
  timeoutMs: 600_000,
};

/** CPU-seconds of the ffmpeg/ffprobe processes one piece of work ran, and the bytes of what it wrote. */
interface Cost {
  preprocessCpu: number;
  probeCpu: number;
  bytes: number;
}

interface Side {
  name: string;
  /** Probe, then preprocess into `dir`, the way the stage does; returns the variants' paths. */
  work(input: string, dir: string, tools: MeteredTools): Promise<string[]>;
}

/**
 * The pipeline before this change, kept here only as the baseline: two
 * ffmpeg runs, each decoding the upload and filtering at its own rate and
 * channels (-ac/-ar apply after the filters), loudnorm in both, 16-bit WAV.
 */
async function twoPassBaseline(input: string, dir: string, tools: MeteredTools): Promise<string[]> {
  await probeDurationSeconds(input, tools.ffprobe);
  const outputs = [path.join(dir, 'diarization.wav'), path.join(dir, 'transcription.wav')];
  const base = ['-hide_banner', '-nostdin', '-y', '-i', input, '-ac', '1', '-ar', '16000'];
  const loudnorm = 'loudnorm=I=-16:TP=-1.5:LRA=11';
  const denoise = `afftdn=nr=${SETTINGS.denoiseNrDb}:nf=${SETTINGS.denoiseNoiseFloorDb}`;
  const cleanup = [`highpass=f=${SETTINGS.highpassHz}`, denoise];
  await runTool(tools.ffmpeg, [...base, '-af', loudnorm, '-c:a', 'pcm_s16le', outputs[0]!], SETTINGS.timeoutMs);
  const transcription = [...cleanup, loudnorm].join(',');
  await runTool(tools.ffmpeg, [...base, '-af', transcription, '-c:a', 'pcm_s16le', outputs[1]!], SETTINGS.timeoutMs);
  return outputs;
}

/** The pipeline now, straight from src: one run, 16 kHz mono first, one shared loudnorm, FLAC. */
async function onePass(input: string, dir: string, tools: MeteredTools): Promise<string[]> {
  await probeDurationSeconds(input, tools.ffprobe);
  const outputs = {
    diarization: path.join(dir, 'diarization.flac'),
    transcription: path.join(dir, 'transcription.flac'),
  };
  const settings: PreprocessSettings = { ...SETTINGS, ffmpegPath: tools.ffmpeg };
  await preprocessAudio(input, outputs, settings);
  return [outputs.diarization, outputs.transcription];
}

const BEFORE: Side = { name: 'before (two passes, WAV)', work: twoPassBaseline };
const AFTER: Side = { name: 'after (one pass, FLAC)', work: onePass };

/**
 * ffmpeg and ffprobe behind a bash wrapper that appends `times` to a log
 * after the tool exits. bash's `times` prints the user and system time of
 * the children it has waited for (getrusage RUSAGE_CHILDREN), so the log holds
 * the kernel's own account of the tool's CPU, every thread included, with
 * nothing of the wrapper or of Node. Node offers no child rusage, and
 * sampling /proc/<pid>/stat would race the exit. The pipeline code runs
 * unchanged; only the tool path it is given differs.
 */
interface MeteredTools {
  ffmpeg: string;
  ffprobe: string;
  /** Sums, and clears, the CPU-seconds logged per tool since the last call. */
  take(): { ffmpeg: number; ffprobe: number };
}

function meteredTools(dir: string): MeteredTools {
  const wrap = (tool: 'ffmpeg' | 'ffprobe') => {
    const real = resolveAudioTool(tool, process.env[`SCRYON_${tool.toUpperCase()}_PATH`], process.env.PATH);
    const log = path.join(dir, `${tool}.cpu`);
    const wrapper = path.join(dir, `metered-${tool}`);
    writeFileSync(wrapper, `#!/bin/bash\n'${real}' "$@"\nstatus=$?\ntimes >> '${log}'\nexit $status\n`);
    chmodSync(wrapper, 0o755);
    writeFileSync(log, '');
    return { wrapper, log };
  };
  const ffmpeg = wrap('ffmpeg');
  const ffprobe = wrap('ffprobe');
  const drain = (log: string) => {
    const seconds = childrenCpuSeconds(readFileSync(log, 'utf8'));
    writeFileSync(log, '');
    return seconds;
  };
  const take = () => ({ ffmpeg: drain(ffmpeg.log), ffprobe: drain(ffprobe.log) });
  return { ffmpeg: ffmpeg.wrapper, ffprobe: ffprobe.wrapper, take };
}

/** `times` prints two lines per call, the shell's own and its children's; the children's are the tool's. */
function childrenCpuSeconds(log: string): number {
  const lines = log.split('\n').filter(Boolean);
  const seconds = (clock: string) => {
    const [, minutes, secs] = /^(\d+)m([\d.]+)s$/.exec(clock) ?? [];
    return Number(minutes) * 60 + Number(secs);
  };
  let total = 0;
  for (let i = 1; i < lines.length; i += 2)
    total += lines[i]!.split(/\s+/)
      .map(seconds)
      .reduce((a, b) => a + b, 0);
  return total;
}

async function measure(side: Side, input: string, work: string, tools: MeteredTools): Promise<Cost> {
  const dir = mkdtempSync(path.join(work, 'out-'));
  try {
    tools.take();
    const outputs = await side.work(input, dir, tools);
    const cpu = tools.take();
    const bytes = outputs.reduce((sum, file) => sum + statSync(file).size, 0);
    return { preprocessCpu: cpu.ffmpeg, probeCpu: cpu.ffprobe, bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rounds alternate before and after, so both meet the same load from the rest of the machine; medians reported. */
async function compare(input: string, work: string, tools: MeteredTools): Promise<{ before: Cost; after: Cost }> {
  const runs: Record<'before' | 'after', Cost[]> = { before: [], after: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    runs.before.push(await measure(BEFORE, input, work, tools));
    runs.after.push(await measure(AFTER, input, work, tools));
  }
  const med = (costs: Cost[]): Cost => ({
    preprocessCpu: median(costs.map((cost) => cost.preprocessCpu)),
    probeCpu: median(costs.map((cost) => cost.probeCpu)),
    bytes: costs[0]!.bytes,
  });
  return { before: med(runs.before), after: med(runs.after) };
}

/** 44.1 kHz stereo AAC of the same conversation and length, as a desktop recorder would upload it. */
async function stereoRecording(work: string): Promise<string> {
  const file = path.join(work, `stereo-${RECORDING_SECONDS}s.m4a`);
  const ffmpeg = resolveAudioTool('ffmpeg', process.env.SCRYON_FFMPEG_PATH, process.env.PATH);
  const loop = ['-stream_loop', '-1', '-i', CONVERSATION, '-t', String(RECORDING_SECONDS)];
  const encode = ['-af', 'aresample=44100', '-ac', '2', '-c:a', 'aac', '-b:a', '128k', file];
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...loop, ...encode]);
  return file;
}

export interface PreprocessBenchResult {
  /** CPU-seconds of probing and preprocessing per audio minute, phone audio, after. */
  cpuPerAudioMinute: number;
  /** The calls a minute this machine's cores can preprocess at most, for the burst's recordings. */
  ceilingCallsPerMinute: number;
}

/**
 * CPU-seconds per audio minute of the mandatory audio work (ffprobe and the
 * preprocessing ffmpeg), before and after, for phone audio and 44.1 kHz
 * stereo; the bytes stored and sent; and the ceiling in calls/min that the
 * measured cost sets for the burst's recordings on this machine's cores.
 */
export async function benchPreprocess(): Promise<PreprocessBenchResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scryon-preprocess-bench-'));
  try {
    const tools = meteredTools(work);
    const phone = path.join(work, 'phone.m4a');
    writeFileSync(phone, (await longRecordings([RECORDING_SECONDS]))[0]!.bytes);
    const recordings = [
      { label: `phone: mono 8 kHz AAC 24 kbit/s, ${RECORDING_SECONDS} s`, file: phone },
      { label: `stereo: 44.1 kHz AAC 128 kbit/s, ${RECORDING_SECONDS} s`, file: await stereoRecording(work) },
    ];
    printHeader();
    const results = [];
    for (const recording of recordings) {
      const result = await compare(recording.file, work, tools);
      printComparison(recording.label, result);
      results.push(result);
    }
    return printCeiling(results[0]!);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const perMinute = (value: number) => (value / RECORDING_SECONDS) * 60;
const totalCpu = (cost: Cost) => cost.preprocessCpu + cost.probeCpu;

function printHeader(): void {
  const cpu = os.cpus();
  const ffmpeg = resolveAudioTool('ffmpeg', process.env.SCRYON_FFMPEG_PATH, process.env.PATH);
  console.log(`preprocessing: CPU of the ffmpeg/ffprobe processes (user + system, their rusage), median of ${ROUNDS}`);
  console.log('  path: preprocessAudio + probeDurationSeconds from src (after); the two-pass baseline here (before)');
  const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`;
  console.log(`  tools: ${ffmpeg}; machine: ${machine}, Node ${process.version}`);
}

function printComparison(label: string, { before, after }: { before: Cost; after: Cost }): void {
  const row = (name: string, cost: Cost) =>
    `    ${name}: ${fmt(perMinute(totalCpu(cost)))} CPU-s per audio minute ` +
    `(preprocess ${fmt(perMinute(cost.preprocessCpu))}, probe ${fmt(perMinute(cost.probeCpu), 3)}); ` +
    `variants ${fmt(perMinute(cost.bytes) / 1024, 0)} KiB per audio minute`;
  console.log(`  ${label}`);
  console.log(row(BEFORE.name, before));
  console.log(row(AFTER.name, after));
  const saved = before.bytes - after.bytes;
  console.log(
    `    after/before: CPU ${fmt(totalCpu(after) / totalCpu(before))}×; bytes ${fmt(after.bytes / before.bytes)}× ` +
      `(${fmt(perMinute(saved) / 1024, 0)} KiB per audio minute fewer stored, and fewer uploaded to the providers)`,
  );
}

function printCeiling({ before, after }: { before: Cost; after: Cost }): PreprocessBenchResult {
  const cores = os.availableParallelism();
  const averageMinutes = BURST_DURATIONS_SECONDS.reduce((a, b) => a + b, 0) / BURST_DURATIONS_SECONDS.length / 60;
  const ceiling = (cost: Cost) => (cores * 60) / (perMinute(totalCpu(cost)) * averageMinutes);
  console.log(
    `  ceiling for the burst's phone recordings (${BURST_DURATIONS_SECONDS.join('/')} s, ` +
      `mean ${fmt(averageMinutes, 1)} min) ` +
      `on ${cores} cores: ${fmt(ceiling(after), 0)} calls/min after, ${fmt(ceiling(before), 0)} before`,
  );
  return { cpuPerAudioMinute: perMinute(totalCpu(after)), ceilingCallsPerMinute: ceiling(after) };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPreprocess();
