'use client';
// Must not build: @tracker-auth/next is server-only (it holds credentials).
import { createTrackerServerHelpers } from '@tracker-auth/next';

export default function Page() {
  return <p>{typeof createTrackerServerHelpers}</p>;
}
