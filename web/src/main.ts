import "uplot/dist/uPlot.min.css";
import "./style.css";
import { App } from "./ui/app.js";

new App();
