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

package io.etcddiscovery.benchmarks.peers;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the harness (benchmarks/peers/harness) asks an instance: when it became ready, its
 * heap, what it sees of another service ({@link VisibilityRecorder}) and the load it
 * sends through the load balancer ({@link LoadRunner}). Timestamps are
 * {@link System#currentTimeMillis()}: every process runs on the same host. The first
 * {@link InstanceRegisteredEvent} marks when the instance became routable (a registry
 * that publishes it: this starter once this instance is registered in etcd). With
 * {@code -Dbench.halt-when-ready=true} the process halts once ready, so that a start can
 * be timed from outside as a whole process.
 *
 * @author etcd-discovery authors
 */
@RestController
class BenchController {

	private final VisibilityRecorder visibility;

	private final LoadRunner load;

	private final ObjectProvider<Registration> registration;

	private volatile long readyAtMillis;

	private volatile long timeTakenMillis;

	private volatile long mainThreadCpuMillis;

	private volatile long processCpuMillis;

	private volatile long classesLoaded;

	private volatile long registeredAtMillis;

	BenchController(VisibilityRecorder visibility, LoadRunner load, ObjectProvider<Registration> registration) {
		this.visibility = visibility;
		this.load = load;
		this.registration = registration;
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		this.readyAtMillis = System.currentTimeMillis();
		this.timeTakenMillis = event.getTimeTaken().toMillis();
		// The event is published on the thread that ran SpringApplication.run: the CPU the
		// critical path used, whatever else ran beside it and however loaded the machine.
		this.mainThreadCpuMillis = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			this.processCpuMillis = os.getProcessCpuTime() / 1_000_000;
		}
		this.classesLoaded = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
		if (Boolean.getBoolean("bench.halt-when-ready")) {
			// For timing whole processes from outside: the process ends when it is ready,
			// without running shutdown hooks (a crash, as far as any registry can tell).
			Runtime.getRuntime().halt(0);
		}
	}

	@EventListener
	void onRegistered(InstanceRegisteredEvent<?> event) {
		if (this.registeredAtMillis == 0) {
			this.registeredAtMillis = System.currentTimeMillis();
		}
	}

	@GetMapping("/bench/self")
	Map<String, Object> self(@RequestParam(defaultValue = "false") boolean gc) {
		if (gc) {
			System.gc();
		}
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
		Map<String, Object> self = new LinkedHashMap<>();
		self.put("readyAtMillis", this.readyAtMillis);
		self.put("jvmStartMillis", jvmStart);
		self.put("jvmToReadyMillis", this.readyAtMillis - jvmStart);
		self.put("springTimeTakenMillis", this.timeTakenMillis);
		self.put("mainThreadCpuMillis", this.mainThreadCpuMillis);
		self.put("processCpuMillis", this.processCpuMillis);
		self.put("classesLoaded", this.classesLoaded);
		self.put("heapUsedBytes", memory.getHeapMemoryUsage().getUsed());
		self.put("nonHeapUsedBytes", memory.getNonHeapMemoryUsage().getUsed());
		// Whether this instance registers itself (a Spring Cloud Registration bean), and
		// when it was registered.
		self.put("registers", this.registration.getIfAvailable() != null);
		self.put("jvmToRegisteredMillis", (this.registeredAtMillis > 0) ? this.registeredAtMillis - jvmStart : 0);
		return self;
	}

	@PostMapping("/bench/watch/{service}")
	Map<String, Object> watch(@PathVariable String service) {
		this.visibility.watch(service);
		return Map.of("watching", service);
	}

	@DeleteMapping("/bench/watch/{service}")
	Map<String, Object> unwatch(@PathVariable String service) {
		this.visibility.unwatch(service);
		return Map.of("unwatched", service);
	}

	@GetMapping("/bench/watch/{service}")
	Map<String, Object> events(@PathVariable String service, @RequestParam(defaultValue = "0") long since) {
		return Map.of("events", this.visibility.events(service, since), "current", this.visibility.current(service));
	}

	@PostMapping("/bench/load/{service}")
	Map<String, Object> startLoad(@PathVariable String service, @RequestParam int rps, @RequestParam int seconds,
			@RequestParam(defaultValue = "false") boolean posts) {
		this.load.start(service, rps, seconds, posts);
		return Map.of("started", service);
	}

	@GetMapping("/bench/load/in-flight")
	Map<String, Object> loadInFlight() {
		return Map.of("inFlight", this.load.inFlight());
	}

	@GetMapping(path = "/bench/load", produces = "text/csv")
	String loadResults() {
		return this.load.csv();
	}

	@DeleteMapping("/bench/load")
	void stopLoad() {
		this.load.stop();
	}

}
