// Add-quota page: show how the target compares with the chosen place's population while typing.
// The sentences and the thresholds come from the page (data-* attributes, the server's own rules);
// this only fills numbers. Typed digits are read as the server reads them (full-width too).
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-ratio]");
  if (!form) return;
  var target = form.querySelector("input[name=target]");
  var region = form.querySelector("select[name=region]");
  var base = form.querySelector("select[name=base]");
  var task = form.querySelector("select[name=task]");
  var newTask = form.querySelector("fieldset.newtask");
  var out = document.getElementById("live-ratio");
  var number = new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 2 });
  var warning = Number(form.dataset.warning), critical = Number(form.dataset.critical);

  function wholeNumber(text) {
    var t = String(text).normalize("NFKC").trim();
    return /^[0-9]+$/.test(t) ? Number(t) : 0;
  }

  function update() {
    var option = region.options[region.selectedIndex];
    var size = Number(option && option.dataset[base.value === "households" ? "households" : "population"]);
    var wanted = wholeNumber(target.value);
    var counted = base.value === "population" || base.value === "households";
    if (!counted || !size || !wanted) { out.textContent = ""; out.className = "live"; return; }
    var ratio = wanted / size;
    var sentence = ratio > critical ? form.dataset.above : form.dataset.below;
    out.textContent = sentence.replace("{ratio}", number.format(ratio)).replace("{place}", option.textContent.split(" (")[0]);
    out.className = "live" + (ratio > critical ? " critical" : ratio > warning ? " warning" : "");
  }

  // The new task's fields matter only when "a new task" is chosen.
  function showNewTask() { newTask.hidden = task.value !== "new"; }

  [target, region, base].forEach(function (el) { el.addEventListener("input", update); el.addEventListener("change", update); });
  form.addEventListener("change", showNewTask);
  form.addEventListener("reset", function () { setTimeout(function () { showNewTask(); update(); }, 0); });
  showNewTask();
  update();
})();
