/** A React wrapper around one ECharts instance: set the option, follow the container's size, dispose on unmount. */
import { useLayoutEffect, useRef, useState } from 'react';
import { CHART_FONT, echarts, type ChartOption } from './echarts.ts';

export interface ChartClick {
  name: string;
  dataIndex: number;
  seriesIndex: number;
  data: unknown;
}

export function EChart(props: {
  option: ChartOption;
  height: number;
  testId?: string;
  ariaLabel?: string;
  onClick?: (e: ChartClick) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(props.onClick);
  clickRef.current = props.onClick;
  // `data-ready` tells the browser tests (and the README screenshots) that the chart has painted everything, its
  // animation included: false from the first render and again with each new option, true on ECharts' 'finished'.
  const [ready, setReady] = useState(false);

  // Layout effects: the instance exists, and has its option, before the browser paints (or a test polls).
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.on('finished', () => setReady(true));
    chart.on('click', (e) => {
      const p = e as unknown as ChartClick;
      clickRef.current?.({ name: p.name, dataIndex: p.dataIndex, seriesIndex: p.seriesIndex, data: p.data });
    });
    // No animation on resize: a Sankey would replay its left-to-right reveal.
    const observer = new ResizeObserver(() => chart.resize({ animation: { duration: 0 } }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useLayoutEffect(() => {
    setReady(false);
    chartRef.current?.setOption(
      { textStyle: { fontFamily: CHART_FONT }, animationDuration: 300, ...props.option },
      true,
    );
  }, [props.option]);

  return (
    <div
      ref={ref}
      className="chart"
      style={{ height: props.height }}
      data-testid={props.testId}
      data-ready={ready}
      role="img"
      aria-label={props.ariaLabel}
    />
  );
}
