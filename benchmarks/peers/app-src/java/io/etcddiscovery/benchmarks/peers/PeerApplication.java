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

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;

/**
 * The sample service of the peer benchmarks: the same code whichever registry the
 * classpath brings (this starter, Eureka, ZooKeeper or none).
 * <p>
 * With {@code -Dbench.timeline=FILE} it records Spring's start-up steps
 * ({@link BufferingApplicationStartup}) and {@link StartupTimelineWriter} writes them to FILE
 * once the application is ready: the harness's start-up breakdown.
 *
 * @author etcd-discovery authors
 */
@SpringBootApplication
public class PeerApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(PeerApplication.class);
		if (System.getProperty(StartupTimelineWriter.PROPERTY) != null) {
			application.setApplicationStartup(new BufferingApplicationStartup(StartupTimelineWriter.CAPACITY));
		}
		application.run(args);
	}

}
