package io.gatehouse.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.gatehouse.routing.resolve.RouteTable;

/** What a bindings reload costs the router: reading the routing sections and building the index. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IndexBuildBenchmark {
    @Param({"10", "1000", "100000"})
    public int bindings;

    Map<String, Object> config;

    @Setup(Level.Trial)
    public void setUp() {
        config = RoutingBenchmark.config(bindings);
    }

    @Benchmark
    public RouteTable build() {
        return RouteTable.build("bench", config, 10_000);
    }
}
