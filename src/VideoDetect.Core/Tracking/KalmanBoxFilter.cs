namespace VideoDetect.Tracking;

/// <summary>
/// ByteTrack's constant-velocity Kalman filter on a box's (centre x, centre y, aspect w/h, height),
/// each with its velocity in pixels per frame, and its noise model (standard deviations proportional
/// to the box height: 1/20 for positions, 1/160 for velocities).
/// <para>ByteTrack writes it as one 8-dimensional filter; with its diagonal initial covariance and
/// diagonal noise, and a transition that couples each coordinate only with its own velocity, the
/// covariance stays block-diagonal, so it is exactly four independent 2-state filters, which is what
/// this is (no matrix library, no allocation).</para>
/// <para><see cref="Predict"/> takes the number of frames since the last step, so a -FrameStride,
/// a motion-gated stretch or a missing frame moves the box as far as its velocity says.</para>
/// </summary>
public struct KalmanBoxFilter
{
    private const double WeightPosition = 1.0 / 20, WeightVelocity = 1.0 / 160;

    // Per coordinate i (0 cx, 1 cy, 2 aspect, 3 height): position, velocity and the 2x2 covariance.
    private Coordinate _cx, _cy, _a, _h;

    private struct Coordinate
    {
        public double P, V, Ppp, Ppv, Pvv;

        public void Step(double qp, double qv)
        {
            P += V;
            Ppp += 2 * Ppv + Pvv + qp;
            Ppv += Pvv;
            Pvv += qv;
        }

        public void Correct(double z, double r)
        {
            double s = Ppp + r, kp = Ppp / s, kv = Ppv / s, innovation = z - P;
            P += kp * innovation;
            V += kv * innovation;
            double ppp = Ppp, ppv = Ppv;
            Ppp -= ppp * ppp / s;
            Ppv -= ppp * ppv / s;
            Pvv -= ppv * ppv / s;
        }

        public static Coordinate Start(double z, double stdP, double stdV) => new() { P = z, Ppp = stdP * stdP, Pvv = stdV * stdV };
    }

    /// <summary>A filter at the measured box (x, y left/top, width, height), at rest.</summary>
    public static KalmanBoxFilter Start(in Box box)
    {
        double h = box.Height;
        return new KalmanBoxFilter
        {
            _cx = Coordinate.Start(box.X + box.Width / 2, 2 * WeightPosition * h, 10 * WeightVelocity * h),
            _cy = Coordinate.Start(box.Y + box.Height / 2, 2 * WeightPosition * h, 10 * WeightVelocity * h),
            _a = Coordinate.Start(box.Width / Math.Max(box.Height, 1e-6), 1e-2, 1e-5),
            _h = Coordinate.Start(h, 2 * WeightPosition * h, 10 * WeightVelocity * h),
        };
    }

    /// <summary>Moves the state <paramref name="frames"/> frames ahead (one ByteTrack step per frame).</summary>
    public void Predict(long frames)
    {
        for (long i = 0; i < frames; i++)
        {
            double h = _h.P;
            double qp = Square(WeightPosition * h), qv = Square(WeightVelocity * h);
            _cx.Step(qp, qv);
            _cy.Step(qp, qv);
            _a.Step(1e-4, 1e-10);
            _h.Step(qp, qv);
        }
    }

    /// <summary>
    /// Stops the box changing shape while it is not seen: ByteTrack zeroes the height velocity of a
    /// track that is not tracked before each prediction; the aspect velocity is zeroed too, because
    /// a person walking behind an occluder is measured narrower and narrower before they vanish, and
    /// that shrinking, predicted on for a second, leaves a box too thin to be matched when they come out.
    /// </summary>
    public void HoldShape()
    {
        _a.V = 0;
        _h.V = 0;
    }

    /// <summary>Corrects the state with a measured box.</summary>
    public void Update(in Box box)
    {
        double h = _h.P;
        double r = Square(WeightPosition * h);
        _cx.Correct(box.X + box.Width / 2, r);
        _cy.Correct(box.Y + box.Height / 2, r);
        _a.Correct(box.Width / Math.Max(box.Height, 1e-6), 1e-2);
        _h.Correct(box.Height, r);
    }

    /// <summary>The state's box (left, top, width, height).</summary>
    public readonly Box Box
    {
        get
        {
            double h = Math.Max(_h.P, 0), w = Math.Max(_a.P, 0) * h;
            return new Box(_cx.P - w / 2, _cy.P - h / 2, w, h);
        }
    }

    /// <summary>
    /// The squared Mahalanobis distance of a box's centre from the predicted centre, with the
    /// innovation covariance of the centre (state uncertainty plus measurement noise); it grows with
    /// the frames predicted since the last update, so a long-lost track accepts a wider area.
    /// </summary>
    public readonly double CentreDistance2(in Box box)
    {
        double r = Square(WeightPosition * _h.P);
        double dx = box.X + box.Width / 2 - _cx.P, dy = box.Y + box.Height / 2 - _cy.P;
        return dx * dx / (_cx.Ppp + r) + dy * dy / (_cy.Ppp + r);
    }

    /// <summary>The standard deviation of the centre's velocity (the filter's own uncertainty), pixels per frame.</summary>
    public readonly (double X, double Y) VelocityStd => (Math.Sqrt(_cx.Pvv), Math.Sqrt(_cy.Pvv));

    /// <summary>The centre's velocity, pixels per frame.</summary>
    public readonly (double X, double Y) Velocity => (_cx.V, _cy.V);

    private static double Square(double v) => v * v;
}
