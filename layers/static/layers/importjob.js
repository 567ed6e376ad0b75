/* A background import's page: poll its progress every second and move the bar; once the job
   has finished, load the page again, which then shows the batch or the error. Without
   JavaScript the page refreshes itself (a meta refresh) and offers a link. */
(function () {
  'use strict';
  const page = document.getElementById('import-job');
  const bar = document.getElementById('job-progress-bar');
  const step = document.getElementById('job-step');
  const count = document.getElementById('job-count');
  const state = document.getElementById('job-state');
  const poll = async () => {
    let job;
    try {
      const response = await fetch(page.dataset.progressUrl, {
        headers: {Accept: 'application/json'}, credentials: 'same-origin', cache: 'no-store'});
      if (!response.ok) throw new Error(String(response.status));
      job = await response.json();
    } catch (error) {
      setTimeout(poll, 3000);  // the server is busy or restarting: try again, more slowly
      return;
    }
    if (job.state === 'done' || job.state === 'failed') {
      window.location.reload();
      return;
    }
    state.textContent = job.state_label;
    state.dataset.state = job.state;
    step.textContent = job.step_label;
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
      count.textContent = `${job.done} / ${job.total}`;
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
})();
