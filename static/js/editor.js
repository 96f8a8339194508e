/* The president's editors: live preview rendered by the server, image upload into the text,
   Ctrl/Cmd+S to save, and a warning before leaving with unsaved changes.
   Everything here is an enhancement: the forms work the same without it. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function setStatus(element, text) {
    if (element) { element.textContent = text; }
  }

  /* The page's words, in its language: data-text-* attributes translated by the server, with
     {name} slots filled in here; the English text is the fallback. */
  function say(form, key, fallback, values) {
    var text = form.dataset["text" + key] || fallback;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(values[name]);
    });
    return text;
  }

  /* Unsaved changes: any edit marks the form dirty until it is submitted. */
  function trackChanges(form) {
    var dirty = false;
    var note = form.querySelector("[data-dirty-note]");
    function mark() {
      dirty = true;
      if (note) { note.hidden = false; }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
    return { mark: mark };
  }

  /* Ctrl+S / Cmd+S clicks the form's save button, so the server sees action=save. */
  function saveShortcut(form) {
    var button = form.querySelector("[data-save-button]");
    if (!button) { return; }
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
      }
    });
  }

  /* The preview comes from the server's own renderer and sanitizer; nothing is rendered here. */
  function livePreview(form) {
    var source = form.querySelector("textarea[name=source]");
    var target = form.querySelector("[data-preview]");
    var status = form.querySelector("[data-preview-status]");
    if (!source || !target || !window.fetch) { return null; }
    var timer = null;
    var sequence = 0;
    function refresh() {
      var mine = ++sequence;
      var body = new FormData();
      body.append("source", source.value);
      setStatus(status, say(form, "Updating", "updating…"));
      fetch(form.dataset.previewUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        if (mine !== sequence) { return; }
        target.innerHTML = html;  // sanitized on the server (nh3), as published lessons are
        setStatus(status, "");
      }).catch(function () {
        if (mine === sequence) {
          setStatus(status, say(form, "PreviewFailed", "could not update; use Refresh preview"));
        }
      });
    }
    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    return refresh;
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start), after = textarea.value.slice(end);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n/.test(after) ? "\n\n" : "\n";
    textarea.value = before + lead + text + trail + after;
    var caret = (before + lead + text).length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
  }

  /* Upload without leaving the page; the Upload button stays the way to do it without script. */
  function imageUpload(form, changes, refreshPreview) {
    var input = form.querySelector("input[type=file][name=image]");
    var alt = form.querySelector("input[name=alt]");
    var source = form.querySelector("textarea[name=source]");
    var status = form.querySelector("[data-upload-status]");
    var button = form.querySelector("[data-upload-button]");
    var limit = parseInt(form.dataset.maxImageBytes, 10);
    if (!input || !source || !window.fetch || !window.FormData) { return; }
    function upload(event) {
      if (event) { event.preventDefault(); }
      var file = input.files && input.files[0];
      if (!file) { setStatus(status, say(form, "ChooseImage", "Choose an image file first.")); input.focus(); return; }
      if (file.size > limit) {
        setStatus(status, say(form, "TooLarge", "That image is {size} MB; images can be at most {limit} MB.",
          { size: (file.size / 1048576).toFixed(1), limit: (limit / 1048576).toFixed(1) }));
        return;
      }
      var body = new FormData();
      body.append("image", file);
      body.append("alt", alt ? alt.value : "");
      setStatus(status, say(form, "Uploading", "Uploading {name}…", { name: file.name }));
      fetch(form.dataset.uploadUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; },
          function () {
            return { ok: false, data: { error: say(form, "UploadStatus", "The upload failed ({status}).",
                                                   { status: response.status }) } };
          });
      }).then(function (result) {
        if (!result.ok) { setStatus(status, result.data.error || say(form, "UploadFailed", "The upload failed.")); return; }
        insertAtCursor(source, result.data.markdown);
        input.value = "";
        if (alt) { alt.value = ""; }
        changes.mark();
        if (refreshPreview) { refreshPreview(); }
        setStatus(status, say(form, "ImageAdded", "Image added to the text. Save to keep it."));
      }).catch(function () {
        setStatus(status, say(form, "Connection", "The upload failed; check the connection and try again."));
      });
    }
    if (button) { button.addEventListener("click", upload); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-unsaved-warning]");
    Array.prototype.forEach.call(forms, function (form) {
      var changes = trackChanges(form);
      saveShortcut(form);
      if (form.hasAttribute("data-editor")) {
        var refresh = livePreview(form);
        imageUpload(form, changes, refresh);
      }
    });
  });
})();
