/* Culture Courses: small enhancements on top of pages that work without script.
   - form errors: move focus to the error summary, so that it is read out first;
   - quizzes: count the questions answered; submitting with some unanswered opens a dialog that
     says so and takes the reader to the first one (every question needs an answer: the server
     refuses blanks, question by question, also when script is off);
   - lessons: report the reading time, and mark the lesson read when its end is reached (once
     read for its minimum time: the server decides); "I have read this lesson" and "Take the
     quiz" are offered from the end of the text on (both are there for readers without script);
   - certificates: a print button;
   - the header's menus: Escape and a click elsewhere close them (they work without script). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.getAttribute("content") : "";
  }

  function each(selector, callback, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), callback);
  }

  /* Errors: the summary (or the quiz's message) takes focus when the page opens. */
  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  /* Quizzes ------------------------------------------------------------------------------- */
  function enhanceQuiz(form) {
    var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));
    var counter = form.querySelector("[data-answered-count]");
    var meter = form.querySelector("[data-answered-meter]");
    var bar = form.querySelector("[data-answered-bar]");
    var dialog = document.querySelector("[data-unanswered-dialog]");

    /* The page's language: the template gives each sentence, with {name} where a value goes. */
    function say(name, fallback, values) {
      var text = form.getAttribute("data-text-" + name) || fallback;
      return text.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
    }

    function unanswered() {
      return questions.filter(function (fieldset) {
        return !fieldset.querySelector("input:checked");
      });
    }

    function update() {
      var answered = questions.length - unanswered().length;
      if (counter) {
        counter.textContent = say("answered", "{answered} of {total} answered",
                                  { answered: answered, total: questions.length });
      }
      if (meter) { meter.value = answered; }
      questions.forEach(function (fieldset) {
        fieldset.classList.toggle("is-answered", !!fieldset.querySelector("input:checked"));
      });
    }

    function goTo(fieldset) {
      var first = fieldset.querySelector("input");
      fieldset.scrollIntoView({ block: "center" });
      if (first) { first.focus({ preventScroll: true }); }
    }

    if (bar) { bar.hidden = false; }
    if (meter) { meter.max = questions.length; }
    update();
    form.addEventListener("change", update);

    form.addEventListener("submit", function (event) {
      var missing = unanswered();
      if (missing.length === 0) { return; }
      event.preventDefault();
      var numbers = missing.map(function (fieldset) { return fieldset.getAttribute("data-question"); });
      var text = missing.length === 1
        ? say("one-missing", "Question {number} has no answer yet.", { number: numbers[0] })
        : say("many-missing", "Questions {numbers} and {last} have no answer yet.", {
          numbers: numbers.slice(0, -1).join(say("separator", ", ", {})), last: numbers[numbers.length - 1],
        });
      if (!dialog || typeof dialog.showModal !== "function") {
        window.alert(text);
        goTo(missing[0]);
        return;
      }
      dialog.querySelector("[data-unanswered-text]").textContent = text;
      var back = dialog.querySelector("[data-go-to-question]");
      back.textContent = say("answer-question", "Answer question {number}", { number: numbers[0] });
      dialog.returnValue = "";
      dialog.showModal();
      back.focus();
    });

    if (dialog) {
      /* However it closes (the button, Escape), the reader lands on the first unanswered one. */
      dialog.addEventListener("close", function () {
        var missing = unanswered();
        if (missing.length) { goTo(missing[0]); }
      });
    }
  }

  /* Lessons: reading time and the end of the lesson --------------------------------------- */
  var IDLE_AFTER = 120;   // seconds without a scroll, key or touch: the reader has stepped away
  var BEAT_EVERY = 60;    // seconds between reports while reading
  var QUICK_LOOK = 15;    // a lesson whose end shows without scrolling counts as read after this

  function trackReading(article) {
    var url = article.getAttribute("data-progress-url");
    var end = article.querySelector("[data-lesson-end]");
    var status = article.querySelector("[data-read-status]");
    var read = article.getAttribute("data-read") === "true";
    var pending = 0, active = 0, sinceBeat = 0;
    /* The server counts a lesson read only after its minimum reading time: reached too early, the
       end is reported again once that time has passed (`endAfter`, in active seconds). */
    var endAfter = 0;
    var lastActivity = Date.now(), scrolled = false, endSeen = false, sending = false;

    function activity() { lastActivity = Date.now(); }
    ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"].forEach(function (name) {
      window.addEventListener(name, activity, { passive: true });
    });
    window.addEventListener("scroll", function () { scrolled = true; activity(); }, { passive: true });

    function body(reachedEnd) {
      var data = new FormData();
      data.append("csrf_token", csrfToken());
      data.append("seconds", String(pending));
      if (reachedEnd) { data.append("end", "1"); }
      return data;
    }

    function announce(result) {
      if (!result || !result.read) { return; }
      read = true;
      article.setAttribute("data-read", "true");
      var message = article.getAttribute(result.completed ? "data-message-complete" : "data-message-read");
      if (status && message) { status.textContent = message; }
      each("[data-read-form]", function (form) { form.hidden = true; });
      each("[data-after-read]", function (link) { link.classList.remove("secondary"); });
      var badge = article.querySelector("[data-state-badge]");
      var label = article.getAttribute(result.completed ? "data-label-complete" : "data-label-read");
      if (badge && label) {
        badge.textContent = label;
        badge.className = "badge badge-" + (result.completed ? "completed" : "quiz_pending");
      }
    }

    function send(reachedEnd) {
      if (sending) {
        if (reachedEnd) { endSeen = true; }  // try again at the next tick
        return;
      }
      if (!reachedEnd && pending < 1) { return; }
      sending = true;
      var data = body(reachedEnd);
      var counted = pending;
      fetch(url, {
        method: "POST", body: data, credentials: "same-origin", keepalive: true,
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        pending = Math.max(0, pending - counted);
        return response.json();
      }).then(function (result) {
        if (reachedEnd && result && !result.read && result.seconds_left) {
          endSeen = true;
          endAfter = active + result.seconds_left;
        }
        announce(result);
      }).catch(function () {
        /* Not counted this time; the next report carries the time, the button stays. */
        if (reachedEnd) { endSeen = true; }
      }).then(function () { sending = false; });
    }

    /* Leaving the page: whatever time is not yet reported goes with the page. */
    function flush() {
      if (pending >= 1 && navigator.sendBeacon) {
        if (navigator.sendBeacon(url, body(false))) { pending = 0; }
      }
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flush(); }
    });
    window.addEventListener("pagehide", flush);

    window.setInterval(function () {
      if (document.visibilityState !== "visible") { return; }
      if (Date.now() - lastActivity < IDLE_AFTER * 1000) { pending += 1; active += 1; }
      sinceBeat += 1;
      if (endSeen && !read && active >= endAfter && (scrolled || active >= QUICK_LOOK)) {
        endSeen = false;
        send(true);
      } else if (sinceBeat >= BEAT_EVERY) {
        sinceBeat = 0;
        send(false);
      }
    }, 1000);

    if (end && "IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting && !read) { endSeen = true; }
        });
      }).observe(end);
    }
  }

  /* The end of a lesson: "I have read this lesson" and "Take the quiz" are offered once the reader
     reaches the end of the text; until then a line says what brings them. Without script (or an
     IntersectionObserver) they simply sit at the end of the text, and the server's reading-time
     rule stays the guard. */
  function gateLessonEnd(article) {
    var end = article.querySelector("[data-lesson-end]");
    var gate = document.querySelector("[data-read-gate]");
    if (!end || !gate || !("IntersectionObserver" in window)) { return; }
    var controls = Array.prototype.slice.call(document.querySelectorAll("[data-read-form], [data-after-read]"));
    controls.forEach(function (control) { control.hidden = true; });
    gate.hidden = false;
    var observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) { return; }
      observer.disconnect();
      var read = article.getAttribute("data-read") === "true";
      gate.hidden = true;
      controls.forEach(function (control) {
        control.hidden = read && control.matches("[data-read-form]");
      });
    });
    observer.observe(end);
  }

  /* A lesson's table wider than a small screen scrolls in a box of its own, which keyboard
     users can scroll too (the page itself never scrolls sideways). */
  function containWideTables() {
    each(".prose table", function (table) {
      var box = table.parentNode;
      if (box.classList.contains("table-scroll") || table.scrollWidth <= box.clientWidth + 1) { return; }
      var wrapper = document.createElement("div");
      wrapper.className = "table-scroll";
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("tabindex", "0");
      var labelled = table.closest("[data-label-table]");
      wrapper.setAttribute("aria-label", labelled ? labelled.getAttribute("data-label-table") : "Table (scrolls sideways)");
      box.insertBefore(wrapper, table);
      wrapper.appendChild(table);
    });
  }

  /* The header's menus (<details>): one open at a time; Escape or a click elsewhere closes them. */
  function headerMenus() {
    var menus = Array.prototype.slice.call(document.querySelectorAll("[data-header-menu]"));
    function closeAll(except) {
      menus.forEach(function (menu) { if (menu !== except) { menu.open = false; } });
    }
    menus.forEach(function (menu) {
      menu.addEventListener("toggle", function () { if (menu.open) { closeAll(menu); } });
      menu.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) { menu.open = false; } });
    });
  }

  /* Certificates ------------------------------------------------------------------------- */
  function printButton(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors();
    headerMenus();
    containWideTables();
    each("form[data-quiz]", enhanceQuiz);
    each("[data-progress-url]", gateLessonEnd);
    if (window.fetch && window.FormData) { each("[data-progress-url]", trackReading); }
    each("[data-print]", printButton);
  });
})();
