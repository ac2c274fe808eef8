// Report page, moves: "Start here" / "End here" take the video's current time into the label form.
(function () {
  "use strict";
  const form = document.getElementById("label-form");
  const player = document.getElementById("player");
  if (!form || !player) return;
  form.querySelectorAll("button[data-mark]").forEach((button) =>
    button.addEventListener("click", () => {
      form.querySelector("[name=" + button.dataset.mark + "]").value = player.currentTime.toFixed(2);
    }));
})();
