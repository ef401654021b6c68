/** Registers the Sankey chart (imported by the energy-flow page only). */
import { SankeyChart } from 'echarts/charts';
import { echarts } from './echarts.ts';

echarts.use([SankeyChart]);
