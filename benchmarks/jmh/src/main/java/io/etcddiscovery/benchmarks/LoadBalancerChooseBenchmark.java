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

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.etcddiscovery.cloud.EtcdCloudDiscoveryClient;
import io.etcddiscovery.cloud.EtcdReactiveDiscoveryClient;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.cloud.EjectionAwareServiceInstanceListSupplier;
import io.etcddiscovery.cloud.EtcdServiceInstanceListSupplier;
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
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.cache.DefaultLoadBalancerCacheManager;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheProperties;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.DiscoveryClientServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

/**
 * One choice of a Spring Cloud {@link RoundRobinLoadBalancer},
 * {@code choose(request).block()}, over the same etcd-backed instances supplied three
 * ways:
 * <ul>
 * <li>{@code etcd}: the library's push-based {@link EtcdServiceInstanceListSupplier},
 * which replays the cache's current list and is told of every change;</li>
 * <li>{@code etcd-ejection}: the same behind
 * {@link EjectionAwareServiceInstanceListSupplier}, the chain the auto-configuration
 * builds (nothing ejected);</li>
 * <li>{@code caching}: Spring Cloud's default chain for a reactive discovery client,
 * {@code withDiscoveryClient().withCaching()}, that is a
 * {@link DiscoveryClientServiceInstanceListSupplier} over
 * {@link EtcdReactiveDiscoveryClient} wrapped in a
 * {@link CachingServiceInstanceListSupplier} with the default cache (35 s TTL);</li>
 * <li>{@code fixed}: a control, a {@link Flux} of one list built once, which never
 * changes: the least any supplier can cost, so what remains is the load balancer's own
 * work and {@code block()}.</li>
 * </ul>
 * Spring Cloud's builder needs an application context, so the chains are built from their
 * classes as the builder would.
 *
 * @author etcd-discovery authors
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class LoadBalancerChooseBenchmark {

	/**
	 * Which supplier the load balancer chooses from.
	 */
	@Param({ "etcd", "etcd-ejection", "caching", "fixed" })
	public String supplier;

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

	private ServiceInstanceListSupplier instances;

	private RoundRobinLoadBalancer loadBalancer;

	private EjectedInstances ejectedInstances;

	private SimpleAsyncTaskScheduler ejectionProber;

	@Setup(Level.Trial)
	public void start() {
		this.fixture = EtcdDiscoveryFixture.start(this.services, this.instancesPerService);
		String service = this.fixture.lookedUpService();
		this.instances = switch (this.supplier) {
			case "etcd" -> new EtcdServiceInstanceListSupplier(this.fixture.discovery(), service);
			case "etcd-ejection" -> ejectionAware(service);
			case "caching" -> cachingSupplier(service);
			case "fixed" -> new FixedServiceInstanceListSupplier(service,
					new EtcdCloudDiscoveryClient(this.fixture.discovery()).getInstances(service));
			default -> throw new IllegalArgumentException("Unknown supplier '" + this.supplier + "'");
		};
		this.loadBalancer = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(this.instances), service);
		List<ServiceInstance> supplied = this.instances.get().blockFirst();
		int expected = this.fixture.upInstancesPerService();
		if (supplied == null || supplied.size() != expected || !choose().hasServer()) {
			throw new IllegalStateException(
					"The '%s' supplier does not supply %d instances".formatted(this.supplier, expected));
		}
	}

	private ServiceInstanceListSupplier ejectionAware(String service) {
		// Nothing is ejected here: the prober starts no thread.
		this.ejectionProber = new SimpleAsyncTaskScheduler();
		this.ejectedInstances = new EjectedInstances(this.fixture.cache(), Duration.ofSeconds(1), Clock.systemUTC(),
				this.ejectionProber);
		return new EjectionAwareServiceInstanceListSupplier(
				new EtcdServiceInstanceListSupplier(this.fixture.discovery(), service), this.ejectedInstances);
	}

	private ServiceInstanceListSupplier cachingSupplier(String service) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("loadbalancer", Map.of(LoadBalancerClientFactory.PROPERTY_NAME, service)));
		DiscoveryClientServiceInstanceListSupplier discoveryClientSupplier = new DiscoveryClientServiceInstanceListSupplier(
				new EtcdReactiveDiscoveryClient(this.fixture.discovery()), environment);
		return new CachingServiceInstanceListSupplier(discoveryClientSupplier,
				new DefaultLoadBalancerCacheManager(new LoadBalancerCacheProperties()));
	}

	@TearDown(Level.Trial)
	public void stop() throws Exception {
		try {
			if (this.instances instanceof EtcdServiceInstanceListSupplier etcd) {
				etcd.destroy();
			}
			if (this.instances instanceof EjectionAwareServiceInstanceListSupplier ejectionAware) {
				ejectionAware.destroy();
				this.ejectedInstances.close();
				this.ejectionProber.close();
			}
		}
		finally {
			if (this.fixture != null) {
				this.fixture.close();
			}
		}
	}

	/**
	 * One round-robin choice, as a {@code @LoadBalanced} client makes per request.
	 * @return the chosen instance
	 */
	@Benchmark
	public Response<ServiceInstance> choose() {
		return this.loadBalancer.choose(ReactiveLoadBalancer.REQUEST).block();
	}

	/**
	 * Supplies the same list for ever, from a {@link Flux} built once.
	 */
	private static final class FixedServiceInstanceListSupplier implements ServiceInstanceListSupplier {

		private final String serviceId;

		private final Flux<List<ServiceInstance>> instances;

		FixedServiceInstanceListSupplier(String serviceId, List<ServiceInstance> instances) {
			this.serviceId = serviceId;
			this.instances = Flux.just(instances);
		}

		@Override
		public String getServiceId() {
			return this.serviceId;
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return this.instances;
		}

	}

}
