/**
 * What `tracker-auth login` shows while it waits for the user: on a terminal a spinner with the
 * time left, redrawn every second; elsewhere (pipes, CI logs) plain lines, a few of them, never
 * a line per poll; with `--json` one JSON object per event.
 */
import type { DeviceCode, DevicePollProgress } from '@tracker-auth/core/adapter';
import yoctoSpinner from 'yocto-spinner';
import { isInteractive, printJson, println, type CliContext } from './context.js';

/** Receives the device flow's events. */
export interface DeviceProgress {
  /** The code to show, once, before polling starts. */
  started(device: DeviceCode): void;
  /** After each "not yet" answer (and after `slow_down`, with the longer interval). */
  pending(progress: DevicePollProgress): void;
  /** Polling is over (signed in, refused or interrupted): stop drawing. */
  stop(): void;
}

/** `m:ss` left until `expiresAt`. */
export function timeLeft(expiresAt: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Plain lines at most this often while waiting. */
const PLAIN_EVERY_MS = 30_000;

function instructions(ctx: CliContext, device: DeviceCode): void {
  println(ctx.stdout, `To sign in, open ${device.verificationUrl}`);
  println(ctx.stdout, `and enter the code: ${device.userCode}`);
  println(ctx.stdout);
}

function spinnerProgress(ctx: CliContext): DeviceProgress {
  // The library's own SIGINT handler would exit before the poll is aborted and the file left alone.
  const spinner = yoctoSpinner({ stream: ctx.stdout as NodeJS.WriteStream, handleSignals: false });
  let expiresAt = 0;
  let interval = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    spinner.text = `Waiting for approval… ${timeLeft(expiresAt)} left (checking every ${interval} s)`;
  };
  return {
    started(device) {
      instructions(ctx, device);
      expiresAt = device.expiresAt;
      interval = device.interval;
      draw();
      spinner.start();
      timer = setInterval(draw, 1000);
    },
    pending(progress) {
      interval = progress.interval;
      draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (spinner.isSpinning) spinner.stop();
    },
  };
}

function plainProgress(ctx: CliContext): DeviceProgress {
  let lastLine = 0;
  let interval = 0;
  return {
    started(device) {
      instructions(ctx, device);
      interval = device.interval;
      println(ctx.stdout, `Waiting for approval; the code expires in ${timeLeft(device.expiresAt)}.`);
      lastLine = Date.now();
    },
    pending(progress) {
      if (progress.interval !== interval) {
        interval = progress.interval;
        println(ctx.stdout, `Yandex asked to check less often: every ${interval} s now.`);
        lastLine = Date.now();
      } else if (Date.now() - lastLine >= PLAIN_EVERY_MS && progress.expiresAt !== undefined) {
        println(ctx.stdout, `Still waiting; ${timeLeft(progress.expiresAt)} left.`);
        lastLine = Date.now();
      }
    },
    stop() {},
  };
}

function jsonProgress(ctx: CliContext): DeviceProgress {
  return {
    started(device) {
      printJson(ctx.stdout, {
        event: 'device_code',
        verificationUrl: device.verificationUrl,
        userCode: device.userCode,
        interval: device.interval,
        expiresAt: new Date(device.expiresAt).toISOString(),
      });
    },
    pending() {},
    stop() {},
  };
}

/** The progress display for this run: JSON, spinner or plain lines. */
export function createDeviceProgress(ctx: CliContext, json: boolean): DeviceProgress {
  if (json) return jsonProgress(ctx);
  return isInteractive(ctx) ? spinnerProgress(ctx) : plainProgress(ctx);
}
