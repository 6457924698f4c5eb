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

package io.etcddiscovery.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Asks a gRPC service found in etcd for its health, with gRPC's standard health protocol:
 * the channel's target is {@code discovery:///{service}}, which the starter's name
 * resolver resolves from etcd (Go servers registered with etcd's naming resolver
 * included). One channel per service, shut down with the application.
 *
 * @author etcd-discovery authors
 */
@RestController
class GrpcHealthController implements DisposableBean {

	private static final long DEADLINE_SECONDS = 5;

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	@GetMapping("/grpc-health/{service}")
	Map<String, String> health(@PathVariable String service) {
		ManagedChannel channel = this.channels.computeIfAbsent(service,
				(name) -> ManagedChannelBuilder.forTarget("discovery:///" + name).usePlaintext().build());
		try {
			HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
				.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
				.check(HealthCheckRequest.getDefaultInstance());
			return Map.of("service", service, "status", response.getStatus().name());
		}
		catch (StatusRuntimeException ex) {
			return Map.of("service", service, "status", "UNREACHABLE", "error", String.valueOf(ex.getStatus()));
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		for (ManagedChannel channel : this.channels.values()) {
			channel.shutdown();
		}
		for (ManagedChannel channel : this.channels.values()) {
			if (!channel.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
				channel.shutdownNow();
			}
		}
	}

}
