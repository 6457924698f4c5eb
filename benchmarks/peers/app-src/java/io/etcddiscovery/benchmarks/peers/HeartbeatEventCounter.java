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

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Counts the {@link HeartbeatEvent}s this application receives: what Spring Cloud's
 * consumers of the event (Gateway's routes from discovery, Spring Boot Admin) react to,
 * so the harness can tell how many a churn in the registry costs them.
 *
 * @author etcd-discovery authors
 */
@Component
class HeartbeatEventCounter {

	private final AtomicLong received = new AtomicLong();

	@EventListener
	void received(HeartbeatEvent event) {
		this.received.incrementAndGet();
	}

	long received() {
		return this.received.get();
	}

}
