// Shared by the overlays: the index of the sample nearest in time to t in a sorted time list.
window.PoseCoach = window.PoseCoach || {};
window.PoseCoach.nearestIndex = function (times, t) {
  "use strict";
  let lo = 0, hi = times.length - 1;
  while (lo < hi) {  // first sample with time >= t, then the nearer of it and its predecessor
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(times[lo - 1] - t) < Math.abs(times[lo] - t)) lo -= 1;
  return lo;
};
