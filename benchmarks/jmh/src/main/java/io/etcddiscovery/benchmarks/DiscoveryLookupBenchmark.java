/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcddiscovery.cloud.EtcdCloudDiscoveryClient;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * One lookup of the instances of a service, at each layer an application may call: the
 * cache itself, the library's {@code EtcdDiscoveryClient}, and Spring Cloud's
 * {@link DiscoveryClient}. Every lookup answers from the cache of a real etcd, so these
 * figures are the cost an application pays per request; run with {@code -prof gc} to see
 * that none of them allocates.
 *
 * @author etcd-discovery authors
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class DiscoveryLookupBenchmark {

	/**
	 * How many services are registered.
	 */
	@Param("100")
	public int services;

	/**
	 * How many instances each service has, the last one not UP.
	 */
	@Param("10")
	public int instancesPerService;

	private EtcdDiscoveryFixture fixture;

	private ServiceCache cache;

	private EtcdDiscoveryClient discoveryClient;

	private DiscoveryClient cloudDiscoveryClient;

	private String service;

	@Setup(Level.Trial)
	public void start() {
		this.fixture = EtcdDiscoveryFixture.start(this.services, this.instancesPerService);
		this.cache = this.fixture.cache();
		this.discoveryClient = this.fixture.discovery();
		this.cloudDiscoveryClient = new EtcdCloudDiscoveryClient(this.discoveryClient);
		this.service = this.fixture.lookedUpService();
		int expected = this.fixture.upInstancesPerService();
		if (this.cloudDiscoveryClient.getInstances(this.service).size() != expected) {
			throw new IllegalStateException("Spring Cloud's DiscoveryClient does not see " + expected + " instances");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	/**
	 * {@code ServiceCache.upInstances(service)}: the snapshot read.
	 * @return the UP instances
	 */
	@Benchmark
	public List<DiscoveredInstance> serviceCacheUpInstances() {
		return this.cache.upInstances(this.service);
	}

	/**
	 * {@code EtcdDiscoveryClient.instances(service)}: the library's API for applications
	 * without Spring Cloud, UP instances only as by default.
	 * @return the UP instances
	 */
	@Benchmark
	public List<DiscoveredInstance> discoveryClientInstances() {
		return this.discoveryClient.instances(this.service);
	}

	/**
	 * {@code DiscoveryClient.getInstances(service)} through
	 * {@link EtcdCloudDiscoveryClient}: what Spring Cloud and {@code @LoadBalanced}
	 * clients call.
	 * @return the UP instances, as Spring Cloud's type
	 */
	@Benchmark
	public List<org.springframework.cloud.client.ServiceInstance> cloudDiscoveryClientGetInstances() {
		return this.cloudDiscoveryClient.getInstances(this.service);
	}

}
