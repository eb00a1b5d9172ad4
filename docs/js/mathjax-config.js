// MathJax settings for pymdownx.arithmatex (generic mode): $...$ and $$...$$.
// The lesson notebooks (mkdocs-jupyter) keep $...$ and $$...$$ as written in
// their markdown cells; those delimiters are read only inside them, because
// every element outside arithmatex's and the notebooks' (class nb-math) is ignored.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|nb-math",
  },
};
document$.subscribe(() => {
  // MathJax processes only the element that has the class, not its children,
  // so every element of a notebook's markdown cells gets it.
  document.querySelectorAll(".jp-RenderedMarkdown, .jp-RenderedMarkdown *")
    .forEach((element) => element.classList.add("nb-math"));
  MathJax.typesetPromise();
});
